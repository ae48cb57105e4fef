import type http from 'node:http';
import type { AuthSettings } from '../config.ts';
import type { Handler, ServiceContext } from './context.ts';
import { createPool, isDatabaseUnavailable } from './db.ts';
import { AuthError } from './errors.ts';
import { health, settings } from './handlers/about.ts';
import { logout } from './handlers/logout.ts';
import { signUp } from './handlers/signup.ts';
import { token } from './handlers/token.ts';
import { getUser, updateUser } from './handlers/user.ts';
import { clientInfo, readJsonObject, sendError, sendReply } from './http.ts';
import { SignInRateLimiter } from './rate-limiter.ts';

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
  /** Serves one request whose URL no longer has the `/auth/v1` prefix. */
  handle(req: http.IncomingMessage, res: http.ServerResponse): void;
  close(): Promise<void>;
}

/** The paths of Supabase Auth that `@supabase/supabase-js` uses, plus the two tools ask for. */
const ROUTES = new Map<string, Partial<Record<string, Handler>>>([
  ['/signup', { POST: signUp }],
  ['/token', { POST: token }],
  ['/user', { GET: getUser, PUT: updateUser }],
  ['/logout', { POST: logout }],
  ['/settings', { GET: settings }],
  ['/health', { GET: health }],
]);

function handlerFor(method: string, path: string): Handler {
  const methods = ROUTES.get(path);
  if (!methods) throw new AuthError(404, 'not_found', `No auth endpoint at ${path}`);
  const handler = methods[method];
  if (!handler) throw new AuthError(405, 'method_not_allowed', `${path} accepts ${Object.keys(methods).join(', ')}, not ${method}`);
  return handler;
}

function describe(error: unknown): string {
  const cause = error instanceof AuthError && error.cause !== undefined ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}

/** Any failure as the answer Supabase Auth would give; what a 5xx hides goes to the log. */
function asAuthError(error: unknown, logFailure: (error: unknown) => void): AuthError {
  if (error instanceof AuthError && error.status < 500) return error;
  logFailure(error);
  if (error instanceof AuthError) return error;
  if (isDatabaseUnavailable(error)) return new AuthError(503, 'unexpected_failure', 'The auth database is unavailable; try again shortly');
  return new AuthError(500, 'unexpected_failure', 'Unexpected failure, please check server logs for more information');
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
    signInLimiter: new SignInRateLimiter(options.settings.signInRateLimit),
  };

  async function respond(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://auth.invalid');
    try {
      const handler = handlerFor(req.method ?? 'GET', url.pathname);
      const reply = await handler({
        service,
        req,
        query: url.searchParams,
        client: clientInfo(req),
        readBody: () => readJsonObject(req),
      });
      sendReply(res, reply);
    } catch (error) {
      sendError(req, res, asAuthError(error, (failure) => log(`auth: ${req.method} ${url.pathname} failed: ${describe(failure)}`)));
    }
  }

  let closing: Promise<void> | undefined;
  return {
    handle: (req, res) => void respond(req, res),
    close: () => (closing ??= pool.end()),
  };
}
