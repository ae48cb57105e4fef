import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient, isAuthSessionMissingError, isAuthWeakPasswordError, type SupabaseClient } from '@supabase/supabase-js';
import pg from 'pg';
import ws from 'ws';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createAuthService } from '../../../local-stack/auth/auth-service.ts';
import type { AuthSettings } from '../../../local-stack/config.ts';
import { MAX_USER_METADATA_BYTES } from '../../../local-stack/auth/validation.ts';
import { apiKeysFor, signJwt, verifyJwt, type JwtClaims } from '../../../local-stack/jwt.ts';
import { applySupabaseBase } from '../../../local-stack/migrations.ts';
import { freePort } from '../../../local-stack/ports.ts';
import { startDatabase, withRole, type Database } from '../../../local-stack/postgres.ts';
import { makeTempDir, uniqueEmail } from '../../support/test-stack.ts';

const JWT_SECRET = 'auth-service-test-secret-with-at-least-32-characters';
const { anonKey } = apiKeysFor(JWT_SECRET);
const SETTINGS: AuthSettings = {
  jwtExpirySeconds: 3600,
  refreshTokenReuseSeconds: 10,
  minimumPasswordLength: 6,
  enableSignup: true,
  // Every request here comes from 127.0.0.1; the limits have tests of their own.
  signInRateLimit: 10_000,
  tokenRefreshRateLimit: 10_000,
};

interface AuthServer {
  issuer: string;
  logged: string[];
  client(): SupabaseClient;
  /** A raw request as supabase-js makes them (apikey, version header, JSON). */
  request(path: string, init?: { method?: string; body?: string | Uint8Array<ArrayBuffer>; headers?: Record<string, string> }): Promise<Response>;
}

let database: Database;
let admin: pg.Pool;
let authAdminUrl: string;
let auth: AuthServer;
const shutdowns: Array<() => Promise<void>> = [];

// Matchers held as unknown rather than vitest's any, which would spread to the objects they are put in.
const anyString: unknown = expect.any(String);
const namesTheMetadataLimit: unknown = expect.stringContaining(`${MAX_USER_METADATA_BYTES} bytes`);

/**
 * The service behind a tiny stand-in for the gateway: `/auth/v1` stripped, the apikey as default bearer.
 * `beforeHandle` may tamper with the response before the service gets it.
 */
async function startAuthServer(
  settings: Partial<AuthSettings> = {},
  databaseUrl = authAdminUrl,
  beforeHandle: (res: http.ServerResponse) => void = () => {},
): Promise<AuthServer> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const logged: string[] = [];
  const service = createAuthService({
    databaseUrl,
    jwtSecret: JWT_SECRET,
    settings: { ...SETTINGS, ...settings },
    issuer: `${url}/auth/v1`,
    log: (line) => logged.push(line),
  });
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    req.url = req.url?.replace(/^\/auth\/v1/, '') || '/';
    req.headers.authorization ??= `Bearer ${String(req.headers.apikey)}`;
    beforeHandle(res);
    service.handle(req, res);
  });
  shutdowns.push(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await service.close();
  });
  return {
    issuer: `${url}/auth/v1`,
    logged,
    client: () => createClient(url, anonKey, { auth: { persistSession: false, autoRefreshToken: false }, realtime: { transport: ws as never } }),
    request: (requestPath, init = {}) =>
      fetch(`${url}/auth/v1${requestPath}`, {
        method: init.method ?? 'GET',
        body: init.body,
        headers: { apikey: anonKey, 'content-type': 'application/json', 'X-Supabase-Api-Version': '2024-01-01', ...init.headers },
      }),
  };
}

async function sql<Row extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<Row[]> {
  return (await admin.query<Row>(text, values)).rows;
}

function claimsOf(accessToken: string): JwtClaims {
  const verified = verifyJwt(accessToken, JWT_SECRET);
  if (!verified.ok) throw new Error(`access token does not verify: ${verified.reason}`);
  return verified.claims;
}

const sessionIdOf = (accessToken: string) => claimsOf(accessToken).session_id as string;

async function signedUp(server: AuthServer, password = 'a-good-password', data: Record<string, unknown> = {}) {
  const client = server.client();
  const email = uniqueEmail('user');
  const { data: result, error } = await client.auth.signUp({ email, password, options: { data } });
  if (error || !result.session || !result.user) throw new Error(`sign-up failed: ${error?.message}`);
  return { client, email, password, session: result.session, user: result.user };
}

async function signedIn(server: AuthServer, email: string, password: string) {
  const client = server.client();
  const { data, error } = await client.auth.signInWithPassword({ email, password });
  if (error || !data.session) throw new Error(`sign-in failed: ${error?.message}`);
  return { client, session: data.session };
}

/**
 * The median duration of each attempt over `runs` rounds, after one warm-up round. The attempts take
 * turns, so a busy moment of the machine slows them alike.
 */
async function medianMilliseconds(runs: number, attempts: Array<() => Promise<void>>): Promise<number[]> {
  const durations = attempts.map((): number[] => []);
  for (let run = -1; run < runs; run += 1) {
    for (const [index, attempt] of attempts.entries()) {
      const start = performance.now();
      await attempt();
      if (run >= 0) durations[index]!.push(performance.now() - start);
    }
  }
  return durations.map((times) => times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!);
}

/** Loose on purpose, for a busy 2-core machine: a leak shows as a ratio near 0.05 (bcrypt against a lookup alone). */
const SAME_TIME_RATIO = 0.4;

async function liveSessionIds(userId: string): Promise<string[]> {
  const rows = await sql<{ id: string }>('select id from auth.sessions where user_id = $1 order by created_at', [userId]);
  return rows.map((row) => row.id);
}

beforeAll(async () => {
  const dataDir = makeTempDir('auth-service-test-');
  database = await startDatabase({ dataDir, port: await freePort(), password: 'postgres', ephemeral: true });
  await applySupabaseBase(database.url, 'postgres');
  authAdminUrl = withRole(database.url, 'supabase_auth_admin', 'postgres');
  admin = new pg.Pool({ connectionString: database.url, max: 2 });
  // An idle connection the server ends (shutdown at the end of the file) must not crash the run.
  admin.on('error', () => {});
  auth = await startAuthServer();
});

afterAll(async () => {
  for (const shutdown of shutdowns.reverse()) await shutdown();
  await admin?.end();
  await database?.stop();
});

describe('sign-up', () => {
  test('signs the new user in and answers the session and user as Supabase Auth does', async () => {
    const email = uniqueEmail('shape');
    const { data, error } = await auth.client().auth.signUp({
      email: `  ${email.toUpperCase()} `,
      password: 'shape-password',
      options: { data: { display_name: 'Shape' } },
    });
    expect(error).toBeNull();
    const { session, user } = data;
    const id = user!.id;
    const timestamp: unknown = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    const refreshToken: unknown = expect.stringMatching(/^[a-z0-9]{12}$/);
    expect(session).toMatchObject({ token_type: 'bearer', expires_in: 3600, refresh_token: refreshToken });
    expect(user).toEqual({
      id,
      aud: 'authenticated',
      role: 'authenticated',
      email,
      email_confirmed_at: timestamp,
      phone: '',
      confirmed_at: timestamp,
      last_sign_in_at: timestamp,
      app_metadata: { provider: 'email', providers: ['email'] },
      user_metadata: { display_name: 'Shape', email_verified: true },
      identities: [
        {
          identity_id: anyString,
          id,
          user_id: id,
          identity_data: { sub: id, email, email_verified: false, phone_verified: false, display_name: 'Shape' },
          provider: 'email',
          last_sign_in_at: timestamp,
          created_at: timestamp,
          updated_at: timestamp,
          email,
        },
      ],
      created_at: timestamp,
      updated_at: timestamp,
      is_anonymous: false,
    });

    const [row] = await sql('select email, aud, role, email_confirmed_at, raw_app_meta_data, encrypted_password from auth.users where id = $1', [id]);
    expect(row).toMatchObject({ email, aud: 'authenticated', role: 'authenticated', raw_app_meta_data: { provider: 'email', providers: ['email'] } });
    expect(row!.email_confirmed_at).toBeInstanceOf(Date);
    expect(row!.encrypted_password).toMatch(/^\$2[ab]\$10\$/);
    expect(await sql('select provider, provider_id from auth.identities where user_id = $1', [id])).toEqual([{ provider: 'email', provider_id: id }]);
  });

  test('refuses an e-mail already registered, whatever its case', async () => {
    const { email } = await signedUp(auth);
    const { error } = await auth.client().auth.signUp({ email: email.toUpperCase(), password: 'another-password' });
    expect(error).toMatchObject({ status: 422, code: 'user_already_exists', message: 'User already registered' });
  });

  test('refuses the loser of two simultaneous sign-ups with one e-mail as a duplicate, not a 500', async () => {
    const email = uniqueEmail('race');
    const results = await Promise.all([1, 2].map(() => auth.client().auth.signUp({ email, password: 'race-password' })));
    expect(results.map((result) => result.error?.code ?? 'signed up').sort()).toEqual(['signed up', 'user_already_exists']);
  });

  test('refuses a password shorter than the minimum as weak, with the reason auth-js reads', async () => {
    const { error } = await auth.client().auth.signUp({ email: uniqueEmail('weak'), password: '12345' });
    expect(isAuthWeakPasswordError(error)).toBe(true);
    expect(error).toMatchObject({ status: 422, code: 'weak_password', reasons: ['length'] });
  });

  test.each([
    ['a malformed e-mail', 'not-an-email', 'long-enough'],
    ['an empty password', 'valid@example.test', ''],
    ['a password over 72 bytes', 'valid@example.test', 'x'.repeat(73)],
  ])('refuses %s as a validation failure', async (_case, email, password) => {
    const { error } = await auth.client().auth.signUp({ email, password });
    expect(error).toMatchObject({ status: 400, code: 'validation_failed' });
  });

  test(`keeps user_metadata within ${MAX_USER_METADATA_BYTES} bytes of JSON, so the access token carrying it still fits a request header`, async () => {
    const stored = (bio: string) => ({ bio, email_verified: true });
    const longest = 'm'.repeat(MAX_USER_METADATA_BYTES - JSON.stringify(stored('')).length);
    const { client, user } = await signedUp(auth, 'a-good-password', { bio: longest });
    expect(JSON.stringify(user.user_metadata)).toHaveLength(MAX_USER_METADATA_BYTES);
    // The stand-in gateway is a Node server, like the real one: it refuses headers over 16 KiB in all.
    expect((await client.auth.getUser()).error).toBeNull();

    const email = uniqueEmail('bloated');
    const { error } = await auth.client().auth.signUp({ email, password: 'a-good-password', options: { data: { bio: `${longest}m` } } });
    expect(error).toMatchObject({ status: 400, code: 'validation_failed', message: namesTheMetadataLimit });
    expect(await sql('select id from auth.users where email = $1', [email])).toEqual([]);
  });

  test('answers a registered e-mail as slowly as a new one, so timing does not tell which e-mails have accounts', async () => {
    const { email } = await signedUp(auth);
    const [fresh, duplicate] = await medianMilliseconds(7, [
      async () => expect((await auth.client().auth.signUp({ email: uniqueEmail('fresh'), password: 'timing-password' })).error).toBeNull(),
      async () => expect((await auth.client().auth.signUp({ email, password: 'timing-password' })).error?.code).toBe('user_already_exists'),
    ]);
    expect(duplicate! / fresh!).toBeGreaterThan(SAME_TIME_RATIO);
  });

  test('answers 422 signup_disabled when sign-ups are off', async () => {
    const closed = await startAuthServer({ enableSignup: false });
    const { error } = await closed.client().auth.signUp({ email: uniqueEmail('closed'), password: 'long-enough' });
    expect(error).toMatchObject({ status: 422, code: 'signup_disabled' });
  });

  test("runs apps' security-definer triggers as the non-superuser auth role", async () => {
    await sql(`
      create table public.profiles (id uuid primary key, display_name text);
      create function public.create_profile() returns trigger language plpgsql security definer set search_path = '' as $$
      begin
        insert into public.profiles (id, display_name) values (new.id, new.raw_user_meta_data ->> 'display_name');
        return new;
      end $$;
      create trigger create_profile after insert on auth.users for each row execute function public.create_profile();
    `);
    const { user } = await signedUp(auth, 'profile-password', { display_name: 'Profiled' });
    expect(await sql('select display_name from public.profiles where id = $1', [user.id])).toEqual([{ display_name: 'Profiled' }]);
  });

  test('reports a failing trigger on auth.users as "Database error saving new user" and keeps no user', async () => {
    await sql(`
      create function public.refuse_doomed() returns trigger language plpgsql as $$
      begin
        if new.email like 'doomed-%' then raise exception 'no profile for %', new.email; end if;
        return new;
      end $$;
      create trigger refuse_doomed after insert on auth.users for each row execute function public.refuse_doomed();
    `);
    const email = uniqueEmail('doomed');
    const { error } = await auth.client().auth.signUp({ email, password: 'doomed-password' });
    // supabase-js turns every 5xx into a retryable error without the body...
    expect(error).toMatchObject({ name: 'AuthRetryableFetchError', status: 500 });
    // ...which is the one Supabase Auth sends.
    const response = await auth.request('/signup', { method: 'POST', body: JSON.stringify({ email, password: 'doomed-password' }) });
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ code: 'unexpected_failure', message: 'Database error saving new user' });
    expect(await sql('select id from auth.users where email = $1', [email])).toEqual([]);
    expect(auth.logged.some((line) => line.includes(`no profile for ${email}`))).toBe(true);
  });
});

describe('sign-in with password', () => {
  test('opens a new session and records the sign-in', async () => {
    const { email, password, user } = await signedUp(auth);
    const { session } = await signedIn(auth, ` ${email.toUpperCase()}`, password);
    expect(session.user.id).toBe(user.id);
    expect(await liveSessionIds(user.id)).toHaveLength(2);
    expect(Date.parse(session.user.last_sign_in_at!)).toBeGreaterThanOrEqual(Date.parse(user.last_sign_in_at!));
  });

  test('refuses a wrong password and an unknown e-mail alike', async () => {
    const { email } = await signedUp(auth);
    for (const credentials of [
      { email, password: 'wrong-password' },
      { email: uniqueEmail('nobody'), password: 'whatever' },
    ]) {
      const { error } = await auth.client().auth.signInWithPassword(credentials);
      expect(error).toMatchObject({ status: 400, code: 'invalid_credentials', message: 'Invalid login credentials' });
    }
  });

  test('refuses a password over 72 bytes before looking the account up, rather than checking its first 72 only', async () => {
    const password = 'p'.repeat(72);
    const { email } = await signedUp(auth, password);
    for (const address of [email, uniqueEmail('nobody')]) {
      const { error } = await auth.client().auth.signInWithPassword({ email: address, password: `${password}-and-a-tail` });
      expect(error).toMatchObject({ status: 400, code: 'validation_failed', message: 'Password cannot be longer than 72 characters' });
    }
    // 24 three-byte characters are 72 bytes; one more is over.
    const { error } = await auth.client().auth.signInWithPassword({ email, password: '€'.repeat(25) });
    expect(error).toMatchObject({ status: 400, code: 'validation_failed' });
  });

  test('signs in with a password under the current minimum and says it is weak, as Supabase Auth does', async () => {
    const { email, password } = await signedUp(auth, 'short1');
    const stricter = await startAuthServer({ minimumPasswordLength: 10 });
    const { data, error } = await stricter.client().auth.signInWithPassword({ email, password });
    expect(error).toBeNull();
    expect(data.session?.user.email).toBe(email);
    expect(data.weakPassword).toEqual({ reasons: ['length'], message: 'Password should be at least 10 characters.' });

    expect((await auth.client().auth.signInWithPassword({ email, password })).data).not.toHaveProperty('weakPassword');
  });

  test('spends as long on an unknown or passwordless account as on a known one, so timing does not tell which exist', async () => {
    const { email } = await signedUp(auth);
    const passwordless = uniqueEmail('oauth-only');
    await sql(
      `insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
         raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
       values ('00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated', $1, null, now(),
         '{"provider": "github", "providers": ["github"]}', '{}', now(), now())`,
      [passwordless],
    );
    const wrongSignIn = (address: string) => async () => {
      const { error } = await auth.client().auth.signInWithPassword({ email: address, password: 'wrong-password' });
      expect(error?.code).toBe('invalid_credentials');
    };
    const [known, unknown, noPassword] = await medianMilliseconds(7, [wrongSignIn(email), wrongSignIn(uniqueEmail('nobody')), wrongSignIn(passwordless)]);
    expect(unknown! / known!).toBeGreaterThan(SAME_TIME_RATIO);
    expect(noPassword! / known!).toBeGreaterThan(SAME_TIME_RATIO);
  });

  test("accepts a password hashed by pgcrypto's crypt(), as seed.sql files write them", async () => {
    const id = '9d9c1b62-7a51-4d5e-9f0a-5c1e2b7e4a10';
    const email = uniqueEmail('seeded');
    // Seeds may store mixed case; sign-in still finds the user.
    await sql(
      `insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
         raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
       values ('00000000-0000-0000-0000-000000000000', $1, 'authenticated', 'authenticated', $2,
         extensions.crypt('password123', extensions.gen_salt('bf')), now(),
         '{"provider": "email", "providers": ["email"]}', '{"display_name": "Seeded"}', now(), now())`,
      [id, email.replace('seeded', 'Seeded')],
    );
    expect((await sql('select encrypted_password from auth.users where id = $1', [id]))[0]!.encrypted_password).toMatch(/^\$2a\$/);
    const { session } = await signedIn(auth, email, 'password123');
    expect(session.user).toMatchObject({ id, user_metadata: { display_name: 'Seeded' }, identities: [] });
  });

  test('refuses a banned user, on sign-in and on refresh', async () => {
    const { email, password, user, session } = await signedUp(auth);
    await sql("update auth.users set banned_until = now() + interval '1 day' where id = $1", [user.id]);
    const signIn = await auth.client().auth.signInWithPassword({ email, password });
    expect(signIn.error).toMatchObject({ status: 400, code: 'user_banned' });
    const refresh = await auth.client().auth.refreshSession({ refresh_token: session.refresh_token });
    expect(refresh.error).toMatchObject({ status: 400, code: 'user_banned' });
  });

  test('limits sign-ins and sign-ups per client address', async () => {
    const limited = await startAuthServer({ signInRateLimit: 2 });
    const client = limited.client();
    const attempt = { email: uniqueEmail('limited'), password: 'whatever' };
    for (let i = 0; i < 2; i += 1) expect((await client.auth.signInWithPassword(attempt)).error?.code).toBe('invalid_credentials');
    expect((await client.auth.signInWithPassword(attempt)).error).toMatchObject({ status: 429, code: 'over_request_rate_limit' });
    expect((await client.auth.signUp(attempt)).error).toMatchObject({ status: 429, code: 'over_request_rate_limit' });

    // The gateway passes the caller's address on; another caller has a budget of its own.
    const elsewhere = await limited.request('/token?grant_type=password', {
      method: 'POST',
      body: JSON.stringify(attempt),
      headers: { 'x-forwarded-for': '203.0.113.7, 127.0.0.1' },
    });
    expect(elsewhere.status).toBe(400);
  });
});

describe('access token', () => {
  test('carries the claims Supabase Auth signs, in its order, for the configured lifetime', async () => {
    const short = await startAuthServer({ jwtExpirySeconds: 900 });
    const { session, user } = await signedUp(short);
    const [header] = session.access_token.split('.');
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });

    const claims = claimsOf(session.access_token);
    const anyNumber: unknown = expect.any(Number);
    expect(Object.keys(claims)).toEqual([
      'iss',
      'sub',
      'aud',
      'exp',
      'iat',
      'email',
      'phone',
      'app_metadata',
      'user_metadata',
      'role',
      'aal',
      'amr',
      'session_id',
      'is_anonymous',
    ]);
    expect(claims).toMatchObject({
      iss: short.issuer,
      sub: user.id,
      aud: 'authenticated',
      email: user.email,
      phone: '',
      app_metadata: { provider: 'email', providers: ['email'] },
      user_metadata: { email_verified: true },
      role: 'authenticated',
      aal: 'aal1',
      amr: [{ method: 'password', timestamp: anyNumber }],
      is_anonymous: false,
    });
    expect((claims.exp as number) - (claims.iat as number)).toBe(900);
    expect(session).toMatchObject({ expires_in: 900, expires_at: claims.exp });
    expect(await liveSessionIds(user.id)).toEqual([claims.session_id]);
  });
});

describe('refresh', () => {
  test('rotates the refresh token, keeping the family in the database', async () => {
    const { client, session } = await signedUp(auth);
    const { data, error } = await client.auth.refreshSession();
    expect(error).toBeNull();
    const rotated = data.session!.refresh_token;
    expect(rotated).toMatch(/^[a-z0-9]{12}$/);
    expect(rotated).not.toBe(session.refresh_token);
    expect(sessionIdOf(data.session!.access_token)).toBe(sessionIdOf(session.access_token));
    expect(await sql('select token, revoked, parent from auth.refresh_tokens where session_id = $1 order by id', [sessionIdOf(session.access_token)])).toEqual([
      { token: session.refresh_token, revoked: true, parent: null },
      { token: rotated, revoked: false, parent: session.refresh_token },
    ]);
  });

  test('answers a rotated token reused within the reuse interval with the current one', async () => {
    const { client, session } = await signedUp(auth);
    const rotated = (await client.auth.refreshSession()).data.session!.refresh_token;
    const { data, error } = await auth.client().auth.refreshSession({ refresh_token: session.refresh_token });
    expect(error).toBeNull();
    expect(data.session!.refresh_token).toBe(rotated);
  });

  test('ends the whole session when a rotated token is reused after the interval', async () => {
    const strict = await startAuthServer({ refreshTokenReuseSeconds: 0 });
    const { client, session, user } = await signedUp(strict);
    const rotated = (await client.auth.refreshSession()).data.session!.refresh_token;

    const reuse = await strict.client().auth.refreshSession({ refresh_token: session.refresh_token });
    expect(reuse.error).toMatchObject({ status: 400, code: 'refresh_token_already_used' });
    expect(await liveSessionIds(user.id)).toEqual([]);
    const child = await strict.client().auth.refreshSession({ refresh_token: rotated });
    expect(child.error?.code).toBe('refresh_token_not_found');
  });

  test('limits token requests per client address (token_refresh), counting sign-ins too as Supabase Auth does', async () => {
    const limited = await startAuthServer({ tokenRefreshRateLimit: 2 });
    const { client, email, password } = await signedUp(limited);
    for (let i = 0; i < 2; i += 1) expect((await client.auth.refreshSession()).error).toBeNull();
    expect((await client.auth.refreshSession()).error).toMatchObject({ status: 429, code: 'over_request_rate_limit' });
    expect((await limited.client().auth.signInWithPassword({ email, password })).error).toMatchObject({ status: 429, code: 'over_request_rate_limit' });

    const elsewhere = await limited.request('/token?grant_type=refresh_token', {
      method: 'POST',
      body: JSON.stringify({ refresh_token: 'abcdefghijkl' }),
      headers: { 'x-forwarded-for': '203.0.113.8' },
    });
    expect(await elsewhere.json()).toMatchObject({ code: 'refresh_token_not_found' });
  });

  test('refuses an unknown refresh token', async () => {
    const { error } = await auth.client().auth.refreshSession({ refresh_token: 'abcdefghijkl' });
    expect(error).toMatchObject({ status: 400, code: 'refresh_token_not_found', message: 'Invalid Refresh Token: Refresh Token Not Found' });
  });
});

describe('user', () => {
  test('getUser answers the signed-in user', async () => {
    const { client, user } = await signedUp(auth);
    const { data, error } = await client.auth.getUser();
    expect(error).toBeNull();
    expect(data.user).toMatchObject({ id: user.id, email: user.email, identities: [{ provider: 'email' }] });
  });

  test('updateUser merges data into user_metadata and deletes the keys set to null', async () => {
    const { client, user } = await signedUp(auth, 'meta-password', { display_name: 'Meta', theme: 'dark' });
    const { data, error } = await client.auth.updateUser({ data: { theme: null, bio: 'Reads tarot' } });
    expect(error).toBeNull();
    const expected = { display_name: 'Meta', bio: 'Reads tarot', email_verified: true };
    expect(data.user!.user_metadata).toEqual(expected);
    expect((await client.auth.getUser()).data.user!.user_metadata).toEqual(expected);
    expect(await sql('select raw_user_meta_data from auth.users where id = $1', [user.id])).toEqual([{ raw_user_meta_data: expected }]);
  });

  test('updateUser refuses data that would take the merged user_metadata over the limit, and then changes nothing', async () => {
    const half = 'h'.repeat(MAX_USER_METADATA_BYTES / 2);
    const { client, email, password, user } = await signedUp(auth, 'meta-password', { first: half });
    const { error } = await client.auth.updateUser({ password: 'not-this-one', data: { second: half } });
    expect(error).toMatchObject({ status: 400, code: 'validation_failed', message: namesTheMetadataLimit });
    expect(await sql('select raw_user_meta_data from auth.users where id = $1', [user.id])).toEqual([
      { raw_user_meta_data: { first: half, email_verified: true } },
    ]);
    await signedIn(auth, email, password);

    // What counts is the merged result: replacing the big key fits.
    const replaced = await client.auth.updateUser({ data: { first: null, second: half } });
    expect(replaced.error).toBeNull();
    expect(replaced.data.user!.user_metadata).toEqual({ second: half, email_verified: true });
  });

  test('updateUser changes the password and signs the user out everywhere else', async () => {
    const { client, email, password, user } = await signedUp(auth, 'first-password');
    const other = await signedIn(auth, email, password);

    expect((await client.auth.updateUser({ password: 'second-password' })).error).toBeNull();
    expect((await auth.client().auth.signInWithPassword({ email, password })).error?.code).toBe('invalid_credentials');
    await signedIn(auth, email, 'second-password');
    expect(isAuthSessionMissingError((await other.client.auth.getUser()).error)).toBe(true);
    expect((await client.auth.getUser()).data.user?.id).toBe(user.id);

    const same = await client.auth.updateUser({ password: 'second-password' });
    expect(same.error).toMatchObject({ status: 422, code: 'same_password' });
  });

  test('updateUser changes the e-mail at once (confirmations are off) unless it is taken', async () => {
    const { client, password } = await signedUp(auth);
    const taken = (await signedUp(auth)).email;
    const newEmail = uniqueEmail('moved');

    const { data, error } = await client.auth.updateUser({ email: newEmail.toUpperCase() });
    expect(error).toBeNull();
    expect(data.user).toMatchObject({ email: newEmail, identities: [{ email: newEmail, identity_data: { email: newEmail } }] });
    await signedIn(auth, newEmail, password);

    expect((await client.auth.updateUser({ email: taken })).error).toMatchObject({ status: 422, code: 'email_exists' });
  });
});

describe('sign-out', () => {
  test('ends the session: its access token then gets 403 session_not_found, which auth-js treats as signed out', async () => {
    const { client, session, user } = await signedUp(auth);
    expect((await client.auth.signOut()).error).toBeNull();
    expect(await liveSessionIds(user.id)).toEqual([]);

    const response = await auth.request('/user', { headers: { authorization: `Bearer ${session.access_token}` } });
    expect(response.status).toBe(403);
    expect(response.headers.get('x-sb-error-code')).toBe('session_not_found');
    expect(await response.json()).toMatchObject({ code: 'session_not_found' });
    expect(isAuthSessionMissingError((await auth.client().auth.getUser(session.access_token)).error)).toBe(true);
    expect((await auth.client().auth.refreshSession({ refresh_token: session.refresh_token })).error?.code).toBe('refresh_token_not_found');
  });

  test('scope local ends only the current session, scope others all but the current one', async () => {
    const first = await signedUp(auth);
    const second = await signedIn(auth, first.email, first.password);
    const third = await signedIn(auth, first.email, first.password);
    const firstId = sessionIdOf(first.session.access_token);

    expect((await second.client.auth.signOut({ scope: 'local' })).error).toBeNull();
    expect(await liveSessionIds(first.user.id)).toEqual([firstId, sessionIdOf(third.session.access_token)]);
    expect((await first.client.auth.signOut({ scope: 'others' })).error).toBeNull();
    expect(await liveSessionIds(first.user.id)).toEqual([firstId]);
  });
});

describe('HTTP contract', () => {
  test('/health and /settings answer like GoTrue', async () => {
    const health = await auth.request('/health');
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ version: anyString, name: 'GoTrue', description: anyString });
    const settings = await auth.request('/settings');
    expect(await settings.json()).toMatchObject({
      external: { email: true, phone: false },
      disable_signup: false,
      mailer_autoconfirm: true,
    });
  });

  test.each([
    ['an unknown path', '/nope', {}, 404, 'not_found'],
    ['a wrong method', '/user', { method: 'DELETE' }, 405, 'method_not_allowed'],
    ['invalid JSON', '/signup', { method: 'POST', body: '{"email":' }, 400, 'bad_json'],
    ['a JSON array', '/signup', { method: 'POST', body: '[]' }, 400, 'bad_json'],
    ['no bearer token', '/user', { headers: { authorization: 'Basic abc' } }, 401, 'no_authorization'],
    ['the anon key as bearer', '/user', {}, 403, 'bad_jwt'],
    [
      'a badly signed JWT',
      '/user',
      { headers: { authorization: `Bearer ${signJwt({ sub: 'x' }, 'another-secret-of-32-characters-or-more')}` } },
      403,
      'bad_jwt',
    ],
    ['an expired JWT', '/logout', { method: 'POST', headers: { authorization: `Bearer ${signJwt({ sub: 'x', exp: 1 }, JWT_SECRET)}` } }, 403, 'bad_jwt'],
    ['an unsupported grant', '/token?grant_type=magic', { method: 'POST', body: '{}' }, 400, 'validation_failed'],
  ] as const)('answers %s with a Supabase-shaped error', async (_case, requestPath, init, status, code) => {
    const response = await auth.request(requestPath, init);
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('x-supabase-api-version')).toBe('2024-01-01');
    expect(response.headers.get('x-sb-error-code')).toBe(code);
    expect(await response.json()).toEqual({ code, message: anyString });
  });

  test('answers a request target that is no URL path (//) with 404 and keeps serving', async () => {
    const response = await auth.request('//');
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 'not_found' });
    expect((await auth.request('/health')).status).toBe(200);
  });

  test('never rejects: when even writing the answer fails, it logs why and ends the connection', async () => {
    // Another layer has already begun the response, so every answer the service writes fails.
    const answered = await startAuthServer({}, authAdminUrl, (res) => res.writeHead(200).flushHeaders());
    const response = await answered.request('/health');
    await expect(response.text()).rejects.toThrow();
    expect(answered.logged).toContainEqual(expect.stringMatching(/^auth: GET \/health could not be answered: .*headers/));
  });

  test('answers clients without the version header in the older error shape', async () => {
    const response = await fetch(`${auth.issuer}/nope`, { headers: { apikey: anonKey } });
    expect(await response.json()).toEqual({ code: 404, error_code: 'not_found', msg: anyString });
  });

  test('answers 503 while the database is unreachable, and keeps serving', async () => {
    const offlineUrl = withRole(`postgresql://127.0.0.1:${await freePort()}/postgres`, 'supabase_auth_admin', 'postgres');
    const offline = await startAuthServer({}, offlineUrl);
    const signUp = await offline.request('/signup', { method: 'POST', body: JSON.stringify({ email: uniqueEmail('offline'), password: 'long-enough' }) });
    expect(signUp.status).toBe(503);
    expect(await signUp.json()).toMatchObject({ code: 'unexpected_failure' });
    expect((await offline.request('/health')).status).toBe(200);
  });
});

describe('bad input', () => {
  let accessToken: string;
  beforeAll(async () => {
    accessToken = (await signedUp(auth)).session.access_token;
  });

  const signUpWith = (fields: Record<string, unknown>) => JSON.stringify({ email: uniqueEmail('input'), password: 'input-password', ...fields });
  const nested = (levels: number): unknown => (levels === 0 ? 'bottom' : { nested: nested(levels - 1) });
  // 0xff is never valid UTF-8; decoding it leniently would turn the password into another one.
  const notUtf8 = (): Uint8Array<ArrayBuffer> =>
    new Uint8Array(Buffer.from(`{"email":"${uniqueEmail('latin')}","password":"caf\xe9-\xff-password"}`, 'latin1'));

  const cases: Array<[path: string, description: string, body: () => string | Uint8Array<ArrayBuffer>]> = [
    ['/signup', 'an empty body', () => ''],
    ['/signup', 'a JSON null', () => 'null'],
    ['/signup', 'a JSON string', () => '"sign me up"'],
    ['/signup', 'a body that is not UTF-8', notUtf8],
    ['/signup', 'a number as e-mail', () => signUpWith({ email: 42 })],
    ['/signup', 'an array as password', () => signUpWith({ password: ['input-password'] })],
    ['/signup', 'a string as data', () => signUpWith({ data: 'bio' })],
    ['/signup', 'an array as data', () => signUpWith({ data: ['bio'] })],
    ['/signup', 'a number as phone', () => signUpWith({ phone: 5550100 })],
    ['/signup', 'U+0000 in a metadata value', () => signUpWith({ data: { bio: 'a\u0000b' } })],
    ['/signup', 'U+0000 in a metadata key', () => signUpWith({ data: { 'b\u0000io': 'x' } })],
    ['/signup', 'a lone surrogate in metadata', () => signUpWith({ data: { bio: '\ud800' } })],
    ['/signup', 'metadata nested 40 deep', () => signUpWith({ data: { deep: nested(40) } })],
    ['/token?grant_type=password', 'a number as e-mail', () => JSON.stringify({ email: 42, password: 'input-password' })],
    ['/token?grant_type=password', 'an object as password', () => JSON.stringify({ email: 'someone@example.test', password: {} })],
    ['/token?grant_type=password', 'U+0000 in the e-mail', () => JSON.stringify({ email: 'some\u0000one@example.test', password: 'input-password' })],
    ['/token?grant_type=refresh_token', 'a JSON array', () => '[]'],
    ['/token?grant_type=refresh_token', 'a number as refresh token', () => JSON.stringify({ refresh_token: 42 })],
    ['/token?grant_type=refresh_token', 'U+0000 in the refresh token', () => JSON.stringify({ refresh_token: 'abcdef\u0000ghijk' })],
    ['/user', 'a number as e-mail', () => JSON.stringify({ email: 42 })],
    ['/user', 'a number as password', () => JSON.stringify({ password: 42 })],
    ['/user', 'a string as data', () => JSON.stringify({ data: 'bio' })],
    ['/user', 'a string as app_metadata', () => JSON.stringify({ app_metadata: 'admin' })],
    ['/user', 'U+0000 in data', () => JSON.stringify({ data: { bio: '\u0000' } })],
  ];
  test.each(cases)('%s: answers %s with 400 bad_json', async (requestPath, _case, body) => {
    const response = await auth.request(requestPath, {
      method: requestPath === '/user' ? 'PUT' : 'POST',
      body: body(),
      headers: requestPath === '/user' ? { authorization: `Bearer ${accessToken}` } : {},
    });
    const answer: unknown = await response.json();
    expect({ status: response.status, body: answer }).toEqual({ status: 400, body: { code: 'bad_json', message: anyString } });
    expect(response.headers.get('x-sb-error-code')).toBe('bad_json');
  });
});
