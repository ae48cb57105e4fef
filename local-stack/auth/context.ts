import type http from 'node:http';
import type pg from 'pg';
import type { BodyOptions } from './http.ts';
import type { JsonObject } from './json.ts';
import type { RateLimiter } from './rate-limiter.ts';
import type { ClientInfo, TokenConfig } from './tokens.ts';

/** What lives as long as the service. */
export interface ServiceContext extends TokenConfig {
  pool: pg.Pool;
  /** `sign_in_sign_ups`: password sign-ins and sign-ups. */
  signInLimiter: RateLimiter;
  /** `token_refresh`: every `/token` request, refreshes and sign-ins alike. */
  tokenLimiter: RateLimiter;
}

/** What a handler gets for one request. */
export interface RequestContext {
  service: ServiceContext;
  req: http.IncomingMessage;
  /** The path as requested, without the `/auth/v1` prefix and the query. */
  path: string;
  /** The `{name}` segments of the route's path, decoded. */
  params: Readonly<Record<string, string>>;
  query: URLSearchParams;
  client: ClientInfo;
  /** The JSON object body; 400 `bad_json` otherwise. Handlers destructure it, so it is no method. */
  readBody: (options?: BodyOptions) => Promise<JsonObject>;
}

export interface Reply {
  status: number;
  /** Sent as JSON; none for 204. */
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (ctx: RequestContext) => Promise<Reply>;
