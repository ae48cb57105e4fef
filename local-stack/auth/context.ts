import type http from 'node:http';
import type pg from 'pg';
import type { JsonObject } from './json.ts';
import type { SignInRateLimiter } from './rate-limiter.ts';
import type { ClientInfo, TokenConfig } from './tokens.ts';

/** What lives as long as the service. */
export interface ServiceContext extends TokenConfig {
  pool: pg.Pool;
  signInLimiter: SignInRateLimiter;
}

/** What a handler gets for one request. */
export interface RequestContext {
  service: ServiceContext;
  req: http.IncomingMessage;
  query: URLSearchParams;
  client: ClientInfo;
  /** The JSON object body; 400 `bad_json` otherwise. */
  readBody(): Promise<JsonObject>;
}

export interface Reply {
  status: number;
  /** Sent as JSON; none for 204. */
  body?: unknown;
}

export type Handler = (ctx: RequestContext) => Promise<Reply>;
