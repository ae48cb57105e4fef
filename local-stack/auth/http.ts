import type http from 'node:http';
import type { Reply } from './context.ts';
import { badJson, type AuthError } from './errors.ts';
import { isJsonObject, unstorableReason, type JsonObject } from './json.ts';
import type { ClientInfo } from './tokens.ts';

/** The API version this service speaks; auth-js reads error codes only from answers that carry it. */
export const API_VERSION = '2024-01-01';
const MAX_BODY_BYTES = 1024 * 1024;

// Strict where Supabase Auth (Go) silently swaps bad bytes for U+FFFD: a swapped byte would turn a
// password into a different one.
const utf8 = new TextDecoder('utf-8', { fatal: true });

export interface BodyOptions {
  /** An empty body (no bytes at all) stands for `{}`, as for Supabase Auth's `DELETE /admin/users/{id}`. */
  allowEmpty?: boolean;
}

/** The body as a JSON object, refused with 400 `bad_json` before anything could store what PostgreSQL cannot. */
export async function readJsonObject(req: http.IncomingMessage, { allowEmpty = false }: BodyOptions = {}): Promise<JsonObject> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) throw badJson(`the body is larger than ${MAX_BODY_BYTES} bytes`);
      chunks.push(chunk);
    }
  } catch (error) {
    // A body cut off on the way (the gateway refused the rest, or the client left) is the client's
    // failure, not the service's: answered as bad input and not logged as a fault.
    if (req.readableAborted || (error as NodeJS.ErrnoException).code === 'ECONNRESET') throw badJson('the body was cut off before its end');
    throw error;
  }
  if (allowEmpty && size === 0) return {};
  let text: string;
  try {
    text = utf8.decode(Buffer.concat(chunks));
  } catch {
    throw badJson('the body is not valid UTF-8');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw badJson((error as Error).message);
  }
  if (!isJsonObject(parsed)) throw badJson('expected a JSON object');
  const unstorable = unstorableReason(parsed);
  if (unstorable) throw badJson(unstorable);
  return parsed;
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export function clientInfo(req: http.IncomingMessage): ClientInfo {
  const forwarded = firstHeader(req.headers['x-forwarded-for'])?.split(',')[0]?.trim();
  return {
    address: forwarded || req.socket.remoteAddress || 'unknown',
    userAgent: firstHeader(req.headers['user-agent']) ?? null,
  };
}

export function sendReply(res: http.ServerResponse, reply: Reply, headers: http.OutgoingHttpHeaders = {}): void {
  const body = reply.body === undefined ? undefined : JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'X-Supabase-Api-Version': API_VERSION,
    ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    ...reply.headers,
    ...headers,
  });
  res.end(body);
}

/** Clients that send a version header get `{code, message}`; older ones GoTrue's earlier `{code: status, error_code, msg}`. */
function speaksVersioned(req: http.IncomingMessage): boolean {
  const version = firstHeader(req.headers['x-supabase-api-version']) ?? '';
  return /^\d{4}-\d{2}-\d{2}$/.test(version) && version >= API_VERSION;
}

export function sendError(req: http.IncomingMessage, res: http.ServerResponse, error: AuthError): void {
  const body = speaksVersioned(req)
    ? { code: error.code, message: error.message, ...error.extra }
    : { code: error.status, error_code: error.code, msg: error.message, ...error.extra };
  sendReply(res, { status: error.status, body }, { 'x-sb-error-code': error.code });
}
