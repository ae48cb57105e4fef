import type http from 'node:http';
import type { AuthSettings } from '../config.ts';
import type { Handler, ServiceContext } from './context.ts';
import { createPool, isDatabaseUnavailable } from './db.ts';
import { AuthError } from './errors.ts';
import { health, settings } from './handlers/about.ts';
import { createUser, deleteUser, getUserById, listUsers, updateUserById } from './handlers/admin-users.ts';
import { logout } from './handlers/logout.ts';
import { signUp } from './handlers/signup.ts';
import { token } from './handlers/token.ts';
import { getUser, updateUser } from './handlers/user.ts';
import { clientInfo, readJsonObject, sendError, sendReply } from './http.ts';
import { RateLimiter } from './rate-limiter.ts';

export interface AuthServiceOptions {
  /** Connection string logging in as `supabase_auth_admin`, the role Supabase Auth uses. */
  databaseUrl: string;
  jwtSecret: string;
  settings: AuthSettings;
  /** The `iss` claim of access tokens: this service's public URL, e.g. http://127.0.0.1:54321/auth/v1. */
  issuer: string;
  /** Where failures behind a 5xx answer are reported; stderr by default. */
  log?: (line: string) => void;
}

export interface AuthService {
  /** Serves one request whose URL no longer has the `/auth/v1` prefix; never throws or rejects. */
  handle(req: http.IncomingMessage, res: http.ServerResponse): void;
  close(): Promise<void>;
}

type Methods = Partial<Record<string, Handler>>;

/**
 * The paths of Supabase Auth that `@supabase/supabase-js` uses (`auth.admin` included), plus the two
 * tools ask for. A `{name}` segment matches any one non-empty segment.
 */
const ROUTES: ReadonlyArray<readonly [pattern: string, methods: Methods]> = [
  ['/signup', { POST: signUp }],
  ['/token', { POST: token }],
  ['/user', { GET: getUser, PUT: updateUser }],
  ['/logout', { POST: logout }],
  ['/settings', { GET: settings }],
  ['/health', { GET: health }],
  ['/admin/users', { GET: listUsers, POST: createUser }],
  ['/admin/users/{user_id}', { GET: getUserById, PUT: updateUserById, DELETE: deleteUser }],
];

function decodedSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    // Not percent-encoding after all: taken as written, and the handler refuses it as it would any bad value.
    return segment;
  }
}

/** The values of the pattern's `{name}` segments, or undefined when `path` does not match it. */
function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const expected = pattern.split('/');
  const actual = path.split('/');
  if (expected.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, part] of expected.entries()) {
    const segment = actual[index]!;
    const name = /^\{(\w+)\}$/.exec(part)?.[1];
    if (name === undefined) {
      if (part !== segment) return undefined;
    } else if (segment === '') {
      return undefined;
    } else {
      params[name] = decodedSegment(segment);
    }
  }
  return params;
}

function routeFor(method: string, path: string): { handler: Handler; params: Record<string, string> } {
  for (const [pattern, methods] of ROUTES) {
    const params = matchPath(pattern, path);
    if (!params) continue;
    const handler = methods[method];
    if (!handler) throw new AuthError(405, 'method_not_allowed', `${pattern} accepts ${Object.keys(methods).join(', ')}, not ${method}`);
    return { handler, params };
  }
  throw new AuthError(404, 'not_found', `No auth endpoint at ${path}`);
}

function describe(error: unknown): string {
  const cause = error instanceof AuthError && error.cause !== undefined ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}

/** Path and query of an origin-form request target. Unlike `new URL`, never throws: `//` is a path here, not a host. */
function splitTarget(target: string): { path: string; query: URLSearchParams } {
  const queryStart = target.indexOf('?');
  if (queryStart === -1) return { path: target, query: new URLSearchParams() };
  return { path: target.slice(0, queryStart), query: new URLSearchParams(target.slice(queryStart + 1)) };
}

const unexpectedFailure = () => new AuthError(500, 'unexpected_failure', 'Unexpected failure, please check server logs for more information');

/** Any failure as the answer Supabase Auth would give; what a 5xx hides goes to the log. */
function asAuthError(error: unknown, logFailure: (error: unknown) => void): AuthError {
  if (error instanceof AuthError && error.status < 500) return error;
  logFailure(error);
  if (error instanceof AuthError) return error;
  if (isDatabaseUnavailable(error)) return new AuthError(503, 'unexpected_failure', 'The auth database is unavailable; try again shortly');
  return unexpectedFailure();
}

/** A Supabase Auth (GoTrue) compatible service: the endpoints and answers `@supabase/auth-js` relies on. */
export function createAuthService(options: AuthServiceOptions): AuthService {
  const log = options.log ?? ((line: string) => console.error(line));
  const pool = createPool(options.databaseUrl, log);
  const service: ServiceContext = {
    pool,
    jwtSecret: options.jwtSecret,
    issuer: options.issuer,
    settings: options.settings,
    signInLimiter: new RateLimiter(options.settings.signInRateLimit),
    tokenLimiter: new RateLimiter(options.settings.tokenRefreshRateLimit),
  };

  async function respond(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const { path, query } = splitTarget(req.url ?? '/');
    try {
      const { handler, params } = routeFor(req.method ?? 'GET', path);
      const reply = await handler({ service, req, path, params, query, client: clientInfo(req), readBody: (options) => readJsonObject(req, options) });
      sendReply(res, reply);
    } catch (error) {
      sendError(
        req,
        res,
        asAuthError(error, (failure) => log(`auth: ${req.method} ${path} failed: ${describe(failure)}`)),
      );
    }
  }

  /** Only writing an answer can fail this late; a rejection here would be unhandled and end the process. */
  function abandon(req: http.IncomingMessage, res: http.ServerResponse, error: unknown): void {
    log(`auth: ${req.method} ${req.url} could not be answered: ${describe(error)}`);
    if (!res.headersSent) {
      try {
        sendError(req, res, unexpectedFailure());
        return;
      } catch {
        // Even a plain error answer cannot be written: ending the connection is all that is left.
      }
    }
    res.destroy();
  }

  let closing: Promise<void> | undefined;
  return {
    handle: (req, res) => void respond(req, res).catch((error: unknown) => abandon(req, res, error)),
    close: () => (closing ??= pool.end()),
  };
}
