import type http from 'node:http';
import bcrypt from 'bcryptjs';
import pg from 'pg';
import type { AuthSettings } from '../config.ts';
import { AuthError, invalidCredentials, sendError, sendJson, validationFailed } from './errors.ts';
import { SignInRateLimiter } from './rate-limiter.ts';
import { assertMaySignIn, authenticate, refreshSession, startSession, type TokenIssuer } from './sessions.ts';
import { findUserByEmail, findUserById, insertUser, recordSignIn, updateUser, userJson } from './users.ts';

export interface AuthServiceOptions {
  /** Connection string of `supabase_auth_admin`, the role Supabase Auth uses. */
  databaseUrl: string;
  jwtSecret: string;
  settings: AuthSettings;
  /** The `iss` claim: the public URL of this service. */
  issuer: string;
  /** Where causes hidden behind a generic 500 are reported. */
  log?: (line: string) => void;
}

export interface AuthService {
  handle(req: http.IncomingMessage, res: http.ServerResponse): void;
  close(): Promise<void>;
}

const BCRYPT_COST = 10;
const MAX_PASSWORD_LENGTH = 72;
const MAX_BODY_BYTES = 1024 * 1024;
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

type JsonObject = Record<string, unknown>;

async function readJson(req: http.IncomingMessage): Promise<JsonObject> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new AuthError(413, 'request_too_large', 'Request body too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as JsonObject;
  } catch {
    // Reported below.
  }
  throw new AuthError(400, 'bad_json', 'Could not parse request body as JSON');
}

function normalisedEmail(value: unknown): string {
  const email = typeof value === 'string' ? value.trim().toLowerCase() : '';
  if (!email) throw validationFailed('To signup, please provide your email');
  if (!EMAIL_PATTERN.test(email) || email.length > 255) throw validationFailed('Unable to validate email address: invalid format');
  return email;
}

function checkedPassword(value: unknown, settings: AuthSettings): string {
  const password = typeof value === 'string' ? value : '';
  if (!password) throw validationFailed('Signup requires a valid password');
  if (password.length > MAX_PASSWORD_LENGTH) throw validationFailed(`Password cannot be longer than ${MAX_PASSWORD_LENGTH} characters`);
  if (password.length < settings.minimumPasswordLength) {
    throw new AuthError(422, 'weak_password', `Password should be at least ${settings.minimumPasswordLength} characters.`, {
      weak_password: { reasons: ['length'] },
    });
  }
  return password;
}

function metadataOf(value: unknown): JsonObject {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : {};
}

/** `data` merged into the stored metadata; a key set to null is removed, as in Supabase Auth. */
function mergeMetadata(stored: JsonObject | null, changes: JsonObject): JsonObject {
  const merged: JsonObject = { ...(stored ?? {}) };
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}

function clientAddress(req: http.IncomingMessage): string {
  const forwarded = req.headers['x-forwarded-for'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
  return first || req.socket.remoteAddress || 'unknown';
}

/** A Supabase Auth (GoTrue) compatible service: the endpoints and answers `@supabase/auth-js` relies on. */
export function createAuthService(options: AuthServiceOptions): AuthService {
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 5 });
  // A dropped idle connection must not take the stack down; the next query reconnects.
  pool.on('error', () => {});
  const issuer: TokenIssuer = { jwtSecret: options.jwtSecret, issuer: options.issuer, settings: options.settings };
  const rateLimiter = new SignInRateLimiter(options.settings.signInRateLimit);

  async function inTransaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    try {
      await client.query('begin');
      const result = await work(client);
      await client.query('commit');
      return result;
    } catch (error) {
      await client.query('rollback').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  async function signUp(req: http.IncomingMessage): Promise<unknown> {
    if (!options.settings.enableSignup) throw new AuthError(422, 'signup_disabled', 'Signups not allowed for this instance');
    rateLimiter.take(clientAddress(req));
    const body = await readJson(req);
    const email = normalisedEmail(body.email);
    const password = checkedPassword(body.password, options.settings);
    const passwordHash = await bcrypt.hash(password, BCRYPT_COST);
    return inTransaction(async (db) => {
      if (await findUserByEmail(db, email)) throw new AuthError(422, 'user_already_exists', 'User already registered');
      let created;
      try {
        created = await insertUser(db, email, passwordHash, metadataOf(body.data));
      } catch (error) {
        if ((error as { code?: string }).code === '23505') throw new AuthError(422, 'user_already_exists', 'User already registered');
        // Apps' triggers on auth.users run here; Supabase Auth reports their failure like this.
        options.log?.(`auth: saving a new user failed: ${(error as Error).message}`);
        throw new AuthError(500, 'unexpected_failure', 'Database error saving new user');
      }
      await recordSignIn(db, created.id);
      return startSession(db, issuer, (await findUserById(db, created.id))!, req.headers['user-agent']);
    });
  }

  async function signInWithPassword(req: http.IncomingMessage): Promise<unknown> {
    rateLimiter.take(clientAddress(req));
    const body = await readJson(req);
    const email = typeof body.email === 'string' ? body.email.trim().toLowerCase() : '';
    const password = typeof body.password === 'string' ? body.password : '';
    if (!email || !password) throw validationFailed('missing email or phone');
    return inTransaction(async (db) => {
      const user = await findUserByEmail(db, email);
      assertMaySignIn(user);
      if (!user.encrypted_password || !(await bcrypt.compare(password, user.encrypted_password))) throw invalidCredentials();
      await recordSignIn(db, user.id);
      return startSession(db, issuer, (await findUserById(db, user.id))!, req.headers['user-agent']);
    });
  }

  async function token(req: http.IncomingMessage, grantType: string | null): Promise<unknown> {
    if (grantType === 'password') return signInWithPassword(req);
    if (grantType === 'refresh_token') {
      const body = await readJson(req);
      if (typeof body.refresh_token !== 'string' || !body.refresh_token) {
        throw new AuthError(400, 'refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');
      }
      const refreshToken = body.refresh_token;
      const refreshed = await inTransaction((db) => refreshSession(db, issuer, refreshToken));
      if (refreshed instanceof AuthError) throw refreshed;
      return refreshed;
    }
    throw validationFailed('unsupported_grant_type');
  }

  async function getUser(req: http.IncomingMessage): Promise<unknown> {
    const { user } = await authenticate(pool, issuer, req.headers.authorization);
    return userJson(pool, user);
  }

  async function putUser(req: http.IncomingMessage): Promise<unknown> {
    const { user } = await authenticate(pool, issuer, req.headers.authorization);
    const body = await readJson(req);
    const email = body.email === undefined ? undefined : normalisedEmail(body.email);
    const passwordHash =
      body.password === undefined ? undefined : await bcrypt.hash(checkedPassword(body.password, options.settings), BCRYPT_COST);
    const metadata = body.data === undefined ? undefined : mergeMetadata(user.raw_user_meta_data, metadataOf(body.data));
    return inTransaction(async (db) => {
      if (email && email !== user.email && (await findUserByEmail(db, email))) {
        throw new AuthError(422, 'email_exists', 'A user with this email address has already been registered');
      }
      return userJson(db, await updateUser(db, user.id, { metadata, email, passwordHash }));
    });
  }

  async function logout(req: http.IncomingMessage, scope: string | null): Promise<undefined> {
    const { user, sessionId } = await authenticate(pool, issuer, req.headers.authorization);
    if (scope === 'global') await pool.query('delete from auth.sessions where user_id = $1', [user.id]);
    else if (scope === 'others') await pool.query('delete from auth.sessions where user_id = $1 and id <> $2', [user.id, sessionId]);
    else if (scope === 'local' || scope === null) await pool.query('delete from auth.sessions where id = $1', [sessionId]);
    else throw validationFailed('Unsupported logout scope');
    return undefined;
  }

  const settingsBody = () => ({
    external: { email: true, phone: false, anonymous_users: false },
    disable_signup: !options.settings.enableSignup,
    mailer_autoconfirm: true,
    phone_autoconfirm: false,
    sms_provider: '',
    saml_enabled: false,
  });

  const routes: Record<string, (req: http.IncomingMessage, url: URL) => Promise<unknown>> = {
    'GET /health': async () => ({ version: 'v2.196.0-local', name: 'GoTrue', description: 'GoTrue is a user registration and authentication API' }),
    'GET /settings': async () => settingsBody(),
    'POST /signup': (req) => signUp(req),
    'POST /token': (req, url) => token(req, url.searchParams.get('grant_type')),
    'GET /user': (req) => getUser(req),
    'PUT /user': (req) => putUser(req),
    'POST /logout': (req, url) => logout(req, url.searchParams.get('scope')),
  };
  const knownPaths = new Set(Object.keys(routes).map((route) => route.split(' ')[1]));

  function handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://auth.local');
    const route = routes[`${req.method} ${url.pathname}`];
    const answer = route
      ? route(req, url)
      : Promise.reject(
          knownPaths.has(url.pathname)
            ? new AuthError(405, 'method_not_allowed', 'Method not allowed')
            : new AuthError(404, 'not_found', 'Not found'),
        );
    answer.then(
      (body) => (body === undefined ? sendJson(res, 204, undefined) : sendJson(res, 200, body)),
      (error: unknown) => {
        if (error instanceof AuthError) sendError(res, error);
        else {
          options.log?.(`auth: ${req.method} ${url.pathname} failed: ${(error as Error).message}`);
          sendError(res, new AuthError(500, 'unexpected_failure', 'Unexpected failure, please check server logs for more information'));
        }
      },
    );
  }

  return { handle, close: () => pool.end() };
}
