/**
 * Supabase Auth's admin user API (`supabase.auth.admin`) through the gateway, called by the real
 * supabase-js client as a server would call it: with the service_role key (or the `sb_secret_` key
 * that stands for it). Every refusal must leave the database as it was.
 */
import { randomUUID } from 'node:crypto';
import { isAuthSessionMissingError, isAuthWeakPasswordError, type SupabaseClient, type User } from '@supabase/supabase-js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MAX_APP_METADATA_BYTES, MAX_USER_METADATA_BYTES } from '../../../local-stack/auth/validation.ts';
import { signJwt } from '../../../local-stack/jwt.ts';
import type { RunningStack } from '../../../local-stack/stack.ts';
import { junkBody } from '../../support/hostile-requests.ts';
import { approveReaderApplications } from '../../support/presence-fixtures.ts';
import { errorBodyProblem } from '../../support/raw-http.ts';
import { clientFor, dbOf, sql, startTestStack, uniqueEmail } from '../../support/test-stack.ts';
import { clientWithToken, heartbeat } from '../database/presence-clients.ts';

let stack: RunningStack;
let admin: SupabaseClient['auth']['admin'];

const PASSWORD = 'admin-made-password';
const timestamp: unknown = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);

beforeAll(async () => {
  // No seed and no presence jobs: the tests count every user, and a job must not move presence mid-test.
  stack = await startTestStack({ seed: false, presenceJobs: false });
  admin = clientFor(stack, stack.serviceRoleKey).auth.admin;
});

afterAll(async () => {
  await stack?.stop();
});

/** A confirmed user made through the admin API, with a password to sign in with. */
async function createdUser(attributes: Parameters<typeof admin.createUser>[0] = {}): Promise<User & { email: string }> {
  const { data, error } = await admin.createUser({ email: uniqueEmail('admin'), password: PASSWORD, email_confirm: true, ...attributes });
  if (error || !data.user) throw new Error(`createUser failed: ${error?.message}`);
  return data.user as User & { email: string };
}

async function signedIn(email: string, password = PASSWORD) {
  const client = clientFor(stack);
  const { data, error } = await client.auth.signInWithPassword({ email, password });
  if (error) throw new Error(`sign-in failed: ${error.code} ${error.message}`);
  return { client, session: data.session };
}

function claimsOf(accessToken: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** A raw request to the admin API as supabase-js makes them, with the service_role key unless told otherwise. */
function adminRequest(path: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<Response> {
  return fetch(`${stack.apiUrl}/auth/v1${path}`, {
    method: init.method ?? 'GET',
    body: init.body,
    headers: {
      apikey: stack.serviceRoleKey,
      'content-type': 'application/json',
      'X-Supabase-Api-Version': '2024-01-01',
      ...init.headers,
    },
  });
}

async function answerOf(response: Response): Promise<{ status: number; body: unknown }> {
  return { status: response.status, body: await response.json() };
}

/** Every row the admin API may write, hashed: equal before and after, nothing was written. */
async function authState(): Promise<string> {
  const tables = ['auth.users', 'auth.identities', 'auth.sessions', 'auth.refresh_tokens', 'public.users'];
  const parts = tables.map((table) => `(select count(*) || ':' || md5(coalesce(string_agg(r::text, ',' order by r::text), '')) from ${table} r)`);
  const [row] = await sql<{ state: string }>(stack, `select concat_ws(' ', ${parts.join(', ')}) as state`);
  return row!.state;
}

async function profileOf(userId: string) {
  return sql<{ display_name: string; is_reader: boolean }>(stack, 'select display_name, is_reader from public.users where id = $1', [userId]);
}

describe('who may call it', () => {
  test('the service_role key and the sb_secret_ key both reach the admin API', async () => {
    const user = await createdUser();
    for (const key of [stack.serviceRoleKey, stack.secretKey]) {
      const { data, error } = await clientFor(stack, key).auth.admin.getUserById(user.id);
      expect(error).toBeNull();
      expect(data.user?.email).toBe(user.email);
    }
  });

  test("the anon key, a user's token and forged tokens get 403 for every admin call, and write nothing", async () => {
    const victim = await createdUser({ user_metadata: { display_name: 'Victim' } });
    const { session } = await signedIn(victim.email);
    const realExpired = signJwt({ iss: 'supabase-demo', role: 'service_role', exp: Math.floor(Date.now() / 1000) - 60 }, stack.jwtSecret);
    const foreign = signJwt({ iss: 'supabase-demo', role: 'service_role', exp: 1983812996 }, 'not-the-secret-but-just-as-long-as-the-real-one');
    const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from('{"role":"service_role"}').toString('base64url')}.`;
    // Well signed and claiming service_role, but naming a session that does not exist (any more).
    const endedSession = signJwt({ role: 'service_role', sub: victim.id, session_id: randomUUID(), exp: 1983812996 }, stack.jwtSecret);
    const callers: Array<[string, SupabaseClient['auth']['admin'], string]> = [
      ['the anon key', clientFor(stack).auth.admin, 'not_admin'],
      ['the publishable key', clientFor(stack, stack.publishableKey).auth.admin, 'not_admin'],
      ["a signed-in user's access token", clientWithToken(stack, session.access_token).auth.admin, 'not_admin'],
      ['a service_role token signed with another secret', clientWithToken(stack, foreign).auth.admin, 'bad_jwt'],
      ['an unsigned service_role token', clientWithToken(stack, unsigned).auth.admin, 'bad_jwt'],
      ['an expired service_role token', clientWithToken(stack, realExpired).auth.admin, 'bad_jwt'],
    ];
    const before = await authState();
    for (const [caller, api, code] of callers) {
      const attempts = [
        api.listUsers(),
        api.getUserById(victim.id),
        api.createUser({ email: uniqueEmail('intruder'), password: PASSWORD, email_confirm: true }),
        api.updateUserById(victim.id, { app_metadata: { role: 'admin' }, password: 'taken-over', ban_duration: '24h' }),
        api.deleteUser(victim.id),
      ];
      for (const { error } of await Promise.all(attempts)) {
        expect({ caller, status: error?.status, code: error?.code }).toEqual({ caller, status: 403, code });
        if (code === 'not_admin') expect(error?.message).toBe('User not allowed');
      }
    }
    // auth-js reads 403 session_not_found as "signed out" (AuthSessionMissingError); the wire has Supabase Auth's answer.
    const ended = await adminRequest('/admin/users', { method: 'POST', body: '{}', headers: { authorization: `Bearer ${endedSession}` } });
    expect(await answerOf(ended)).toEqual({ status: 403, body: { code: 'session_not_found', message: 'Session from session_id claim in JWT does not exist' } });
    expect(isAuthSessionMissingError((await clientWithToken(stack, endedSession).auth.admin.deleteUser(victim.id)).error)).toBe(true);
    expect(await authState()).toBe(before);
  });
});

describe('createUser', () => {
  test("goes the sign-up way: the profile trigger runs, GoTrue's provider keys stay in app_metadata", async () => {
    const email = uniqueEmail('Created');
    const { data, error } = await admin.createUser({
      email: ` ${email.toUpperCase()} `,
      password: PASSWORD,
      email_confirm: true,
      user_metadata: { display_name: 'Made By Admin', is_reader: true },
      app_metadata: { plan: 'pro', providers: ['email'] },
    });
    expect(error).toBeNull();
    const id = data.user!.id;
    const lower = email.toLowerCase();
    expect(data.user).toEqual({
      id,
      aud: 'authenticated',
      role: 'authenticated',
      email: lower,
      email_confirmed_at: timestamp,
      phone: '',
      confirmed_at: timestamp,
      app_metadata: { provider: 'email', providers: ['email'], plan: 'pro' },
      user_metadata: { display_name: 'Made By Admin', is_reader: true, email_verified: true },
      identities: [
        {
          identity_id: expect.any(String) as unknown,
          id,
          user_id: id,
          identity_data: { sub: id, email: lower, email_verified: false, phone_verified: false },
          provider: 'email',
          last_sign_in_at: timestamp,
          created_at: timestamp,
          updated_at: timestamp,
          email: lower,
        },
      ],
      created_at: timestamp,
      updated_at: timestamp,
      is_anonymous: false,
    });
    const [row] = await sql(stack, 'select raw_app_meta_data, encrypted_password, last_sign_in_at from auth.users where id = $1', [id]);
    expect(row).toMatchObject({ raw_app_meta_data: { provider: 'email', providers: ['email'], plan: 'pro' }, last_sign_in_at: null });
    expect(row!.encrypted_password).toMatch(/^\$2[ab]\$10\$/);
    // Asking to be a reader applies, as sign-up does; an admin approves it.
    expect(await profileOf(id)).toEqual([{ display_name: 'Made By Admin', is_reader: false }]);
    expect(await sql(stack, 'select status::text from public.reader_applications where applicant_id = $1', [id])).toEqual([{ status: 'pending' }]);

    const { session } = await signedIn(lower);
    expect(claimsOf(session.access_token).app_metadata).toEqual({ provider: 'email', providers: ['email'], plan: 'pro' });
  });

  test('leaves the e-mail unconfirmed unless email_confirm is true, as Supabase Auth does', async () => {
    const email = uniqueEmail('unconfirmed');
    const { data } = await admin.createUser({ email, password: PASSWORD });
    expect(data.user).not.toHaveProperty('email_confirmed_at');
    const { error } = await clientFor(stack).auth.signInWithPassword({ email, password: PASSWORD });
    expect(error).toMatchObject({ status: 400, code: 'email_not_confirmed' });

    const confirmed = await admin.updateUserById(data.user!.id, { email_confirm: true });
    expect(confirmed.data.user).toMatchObject({ email_confirmed_at: timestamp, user_metadata: { email_verified: true } });
    await signedIn(email);
  });

  test('without a password, gives the account a random one nobody can sign in with', async () => {
    const { id, email } = await createdUser({ password: undefined });
    const [row] = await sql<{ encrypted_password: string }>(stack, 'select encrypted_password from auth.users where id = $1', [id]);
    expect(row!.encrypted_password).toMatch(/^\$2[ab]\$10\$/);
    for (const password of ['', PASSWORD]) {
      expect((await clientFor(stack).auth.signInWithPassword({ email, password })).error?.status).toBe(400);
    }
  });

  test('takes a password under the minimum (only bcrypt’s 72 bytes limit it, as in Supabase Auth), and sign-in calls it weak', async () => {
    const { email } = await createdUser({ password: 'short' });
    const { data, error } = await clientFor(stack).auth.signInWithPassword({ email, password: 'short' });
    expect(error).toBeNull();
    expect(data.weakPassword).toEqual({ reasons: ['length'], message: 'Password should be at least 6 characters.' });

    const tooLong = await admin.createUser({ email: uniqueEmail('long'), password: 'x'.repeat(73) });
    expect(tooLong.error).toMatchObject({ status: 400, code: 'validation_failed' });
  });

  test('takes a bcrypt password_hash, and a custom id', async () => {
    const [row] = await sql<{ hash: string }>(stack, "select extensions.crypt('hashed-elsewhere', extensions.gen_salt('bf', 4)) as hash");
    const hash = row!.hash;
    const id = randomUUID();
    const user = await createdUser({ id, password: undefined, password_hash: hash });
    expect(user.id).toBe(id);
    await signedIn(user.email, 'hashed-elsewhere');

    const again = await admin.createUser({ id: id.toUpperCase(), email: uniqueEmail('same-id'), email_confirm: true });
    expect(again.error).toMatchObject({ status: 422, code: 'user_already_exists' });
  });

  test('can ban the new user from the start', async () => {
    const { email } = await createdUser({ ban_duration: '24h' });
    const { error } = await clientFor(stack).auth.signInWithPassword({ email, password: PASSWORD });
    expect(error).toMatchObject({ status: 400, code: 'user_banned' });
  });
});

describe('listUsers', () => {
  test('pages newest first, with the total and the next and last pages supabase-js reads from the headers', async () => {
    // At least five users, so that three pages of ceil(total / 3) each are exactly three.
    for (let i = 0; i < 5; i += 1) await createdUser();
    const [{ total }] = (await sql<{ total: number }>(stack, "select count(*)::int as total from auth.users where aud = 'authenticated'")) as [
      { total: number },
    ];
    const expectedIds = (await sql<{ id: string }>(stack, "select id::text from auth.users where aud = 'authenticated' order by created_at desc, id desc")).map(
      (row) => row.id,
    );
    // supabase-js reads only the first digit of a page number from the Link header: three pages.
    const perPage = Math.ceil(total / 3);

    const seen: string[] = [];
    for (let page = 1; page <= 3; page += 1) {
      const { data, error } = await admin.listUsers({ page, perPage });
      expect(error).toBeNull();
      expect(data).toMatchObject({ aud: 'authenticated', total, lastPage: 3, nextPage: page < 3 ? page + 1 : null });
      seen.push(...data.users.map((user) => user.id));
    }
    expect(seen).toEqual(expectedIds);

    const beyond = await admin.listUsers({ page: 4, perPage });
    expect(beyond.data).toMatchObject({ users: [], total, lastPage: 3, nextPage: null });
  });

  test('writes X-Total-Count and Link exactly as Supabase Auth does, and lists users without identities as it does', async () => {
    const { id } = await createdUser();
    const [{ total }] = (await sql<{ total: number }>(stack, "select count(*)::int as total from auth.users where aud = 'authenticated'")) as [
      { total: number },
    ];
    const response = await adminRequest('/admin/users?per_page=1&page=1');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-total-count')).toBe(String(total));
    expect(response.headers.get('link')).toBe(`</admin/users?page=2&per_page=1>; rel="next", </admin/users?page=${total}&per_page=1>; rel="last"`);
    const body = (await response.json()) as { users: Array<Record<string, unknown>>; aud: string };
    expect(body.aud).toBe('authenticated');
    expect(body.users).toEqual([expect.objectContaining({ id, identities: null, app_metadata: { provider: 'email', providers: ['email'] } })]);

    const defaults = await adminRequest('/admin/users?page=&per_page=');
    expect(defaults.headers.get('link')).toBe(`</admin/users?page=${Math.ceil(total / 50)}&per_page=>; rel="last"`);
    expect(((await defaults.json()) as { users: unknown[] }).users).toHaveLength(Math.min(total, 50));
  });

  test.each(['x', '-1', '1.5', '18446744073709551616'])('refuses page=%s as bad pagination parameters', async (page) => {
    expect(await answerOf(await adminRequest(`/admin/users?page=${page}`))).toEqual({
      status: 400,
      body: { code: 'validation_failed', message: expect.stringMatching(/^Bad Pagination Parameters: /) as unknown },
    });
  });

  test('refuses per_page=0, which Supabase Auth fails on with a 500', async () => {
    const { status, body } = await answerOf(await adminRequest('/admin/users?per_page=0'));
    expect({ status, body }).toMatchObject({ status: 400, body: { code: 'validation_failed' } });
  });

  test('serves a page far past the end as empty, however large the numbers', async () => {
    const response = await adminRequest('/admin/users?page=18446744073709551615&per_page=18446744073709551615');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ users: [], aud: 'authenticated' });
  });
});

describe('getUserById', () => {
  test('answers the user, with its identities', async () => {
    const created = await createdUser();
    const { data, error } = await admin.getUserById(created.id);
    expect(error).toBeNull();
    expect(data.user).toEqual(created);
  });

  test('reads the id in any form Supabase Auth reads, and 404s unknown and malformed ids with its codes', async () => {
    const { id } = await createdUser();
    const hex = id.replaceAll('-', '').toUpperCase();
    expect((await answerOf(await adminRequest(`/admin/users/${hex}`))).body).toMatchObject({ id });
    expect((await answerOf(await adminRequest(`/admin/users/%7B${id}%7D`))).body).toMatchObject({ id });

    const unknown = await admin.getUserById(randomUUID());
    expect(unknown.error).toMatchObject({ status: 404, code: 'user_not_found', message: 'User not found' });
    for (const malformed of ['not-a-uuid', `${id}0`, 'null', 'x'.repeat(5_000)]) {
      for (const method of ['GET', 'PUT', 'DELETE']) {
        const answer = await answerOf(await adminRequest(`/admin/users/${malformed}`, { method, body: method === 'GET' ? undefined : '{}' }));
        expect(answer).toEqual({ status: 404, body: { code: 'validation_failed', message: 'user_id must be an UUID' } });
      }
    }
  });
});

describe('updateUserById', () => {
  test("merges app_metadata (a null removes a key), which the user's next refresh carries, and the user still cannot change it", async () => {
    const user = await createdUser({ app_metadata: { plan: 'pro', team: 'tarot' } });
    const { client, session } = await signedIn(user.email);
    expect(claimsOf(session.access_token).app_metadata).toMatchObject({ team: 'tarot' });

    const { data, error } = await admin.updateUserById(user.id, { app_metadata: { team: null, tier: 2, plan: { name: 'gold' } } });
    expect(error).toBeNull();
    const merged = { provider: 'email', providers: ['email'], plan: { name: 'gold' }, tier: 2 };
    expect(data.user!.app_metadata).toEqual(merged);

    const refreshed = await client.auth.refreshSession();
    expect(refreshed.error).toBeNull();
    expect(claimsOf(refreshed.data.session!.access_token).app_metadata).toEqual(merged);

    const own = await client.auth.updateUser({ data: { theme: 'dark' }, app_metadata: { tier: 99 } } as Parameters<typeof client.auth.updateUser>[0]);
    expect(own.error).toMatchObject({ status: 403, code: 'not_admin' });
    expect(await sql(stack, 'select raw_app_meta_data, raw_user_meta_data from auth.users where id = $1', [user.id])).toEqual([
      { raw_app_meta_data: merged, raw_user_meta_data: { email_verified: true } },
    ]);
  });

  test('merges user_metadata the same way', async () => {
    const user = await createdUser({ user_metadata: { display_name: 'Before', theme: 'dark' } });
    const { data } = await admin.updateUserById(user.id, { user_metadata: { theme: null, bio: 'Reads cards' } });
    expect(data.user!.user_metadata).toEqual({ display_name: 'Before', bio: 'Reads cards', email_verified: true });
  });

  test('sets a new password, which signs the user out everywhere; a weak one is refused with the reasons auth-js reads', async () => {
    const user = await createdUser();
    const { session } = await signedIn(user.email);
    expect((await admin.updateUserById(user.id, { password: 'chosen-by-admin' })).error).toBeNull();

    expect((await clientFor(stack).auth.signInWithPassword({ email: user.email, password: PASSWORD })).error?.code).toBe('invalid_credentials');
    await signedIn(user.email, 'chosen-by-admin');
    const refresh = await clientFor(stack).auth.refreshSession({ refresh_token: session.refresh_token });
    expect(refresh.error?.code).toBe('refresh_token_not_found');

    for (const password of ['12345', '']) {
      const weak = await admin.updateUserById(user.id, { password });
      expect(isAuthWeakPasswordError(weak.error)).toBe(true);
      expect(weak.error).toMatchObject({ status: 422, code: 'weak_password', reasons: ['length'] });
    }
    expect((await admin.updateUserById(user.id, { password: 'p'.repeat(73) })).error).toMatchObject({ status: 400, code: 'validation_failed' });
    await signedIn(user.email, 'chosen-by-admin');
  });

  test('changes the e-mail at once, in the identity too, and refuses one another user has', async () => {
    const user = await createdUser();
    const other = await createdUser();
    const moved = uniqueEmail('moved');
    const { data, error } = await admin.updateUserById(user.id, { email: moved.toUpperCase() });
    expect(error).toBeNull();
    expect(data.user).toMatchObject({
      email: moved,
      email_confirmed_at: timestamp,
      identities: [{ email: moved, identity_data: { email: moved, email_verified: false } }],
    });
    await signedIn(moved);
    expect((await clientFor(stack).auth.signInWithPassword({ email: user.email, password: PASSWORD })).error?.code).toBe('invalid_credentials');

    const taken = await admin.updateUserById(user.id, { email: other.email.toUpperCase() });
    expect(taken.error).toMatchObject({
      status: 422,
      code: 'email_exists',
      message: 'A user with this email address has already been registered',
    });
    expect((await admin.getUserById(user.id)).data.user?.email).toBe(moved);
  });

  test('sets the role that the user’s tokens carry', async () => {
    const user = await createdUser();
    const { data } = await admin.updateUserById(user.id, { role: ' reader_moderator ' });
    expect(data.user?.role).toBe('reader_moderator');
    const { session } = await signedIn(user.email);
    expect(claimsOf(session.access_token).role).toBe('reader_moderator');
  });

  test('bans a reader (the ban trigger takes their devices offline at once) and lifts the ban with "none"', async () => {
    const reader = await createdUser({ user_metadata: { display_name: 'Banned Reader', is_reader: true } });
    await approveReaderApplications(dbOf(stack), [reader.id]);
    const { client, session } = await signedIn(reader.email);
    expect((await heartbeat(client)).status).toBe('available');
    const devices = async () =>
      (await sql<{ n: number }>(stack, 'select count(*)::int as n from private.reader_devices where reader_id = $1', [reader.id]))[0]!.n;
    expect(await devices()).toBe(1);

    const banned = await admin.updateUserById(reader.id, { ban_duration: '1h30m' });
    expect(banned.error).toBeNull();
    const bannedFor = Date.parse(banned.data.user!.banned_until!) - Date.now();
    expect(bannedFor).toBeGreaterThan(89 * 60_000);
    expect(bannedFor).toBeLessThanOrEqual(90 * 60_000);
    expect(await devices()).toBe(0);
    expect(await sql(stack, 'select cause from public.presence_audit_log where user_id = $1 order by changed_at', [reader.id])).toEqual([
      { cause: 'heartbeat' },
      { cause: 'sign_out' },
    ]);
    expect((await client.rpc('reader_heartbeat', { idle_seconds: 0 })).status).toBe(403);
    expect((await client.auth.getUser()).error).toMatchObject({ status: 403, code: 'user_banned' });
    expect((await clientFor(stack).auth.refreshSession({ refresh_token: session.refresh_token })).error?.code).toBe('user_banned');
    expect((await clientFor(stack).auth.signInWithPassword({ email: reader.email, password: PASSWORD })).error?.code).toBe('user_banned');

    const lifted = await admin.updateUserById(reader.id, { ban_duration: 'none' });
    expect(lifted.data.user).not.toHaveProperty('banned_until');
    const again = await signedIn(reader.email);
    expect((await heartbeat(again.client)).status).toBe('available');
  });

  test('refuses a ban_duration Go cannot read, in its words', async () => {
    const user = await createdUser();
    const { error } = await admin.updateUserById(user.id, { ban_duration: '1d' });
    expect(error).toMatchObject({
      status: 400,
      code: 'validation_failed',
      message: 'invalid format for ban duration: time: unknown unit "d" in duration "1d"',
    });
  });

  test('refuses metadata over its limit and then changes nothing, not even the password sent with it', async () => {
    const user = await createdUser();
    const { session } = await signedIn(user.email);
    const before = await authState();
    const tooBig = [{ app_metadata: { notes: 'a'.repeat(MAX_APP_METADATA_BYTES) } }, { user_metadata: { notes: 'u'.repeat(MAX_USER_METADATA_BYTES) } }];
    for (const metadata of tooBig) {
      const { error } = await admin.updateUserById(user.id, { password: 'would-be-new', ban_duration: '1h', ...metadata });
      expect(error).toMatchObject({ status: 400, code: 'validation_failed', message: expect.stringContaining('bytes of JSON') as unknown });
    }
    expect(await authState()).toBe(before);
    expect((await clientFor(stack).auth.getUser(session.access_token)).error).toBeNull();
  });

  test('metadata at both limits still fits the access token in a request header, through the gateway to PostgREST', async () => {
    const fill = (limit: number, rest: object) => 'm'.repeat(limit - JSON.stringify({ ...rest, fill: '' }).length);
    const user = await createdUser({ user_metadata: { fill: fill(MAX_USER_METADATA_BYTES, { email_verified: true }) } });
    const appBase = { provider: 'email', providers: ['email'] };
    const { data, error } = await admin.updateUserById(user.id, { app_metadata: { fill: fill(MAX_APP_METADATA_BYTES, appBase) } });
    expect(error).toBeNull();
    expect(JSON.stringify(data.user!.app_metadata)).toHaveLength(MAX_APP_METADATA_BYTES);
    expect(JSON.stringify(data.user!.user_metadata)).toHaveLength(MAX_USER_METADATA_BYTES);

    const { client } = await signedIn(user.email);
    expect((await client.auth.getUser()).error).toBeNull();
    expect((await client.from('users').select('id').eq('id', user.id)).error).toBeNull();
  });
});

describe('deleteUser', () => {
  test('deletes the user for good, the public profile and sessions with it', async () => {
    const user = await createdUser({ user_metadata: { display_name: 'Leaving' } });
    await signedIn(user.email);
    expect(await profileOf(user.id)).toHaveLength(1);

    const { data, error } = await admin.deleteUser(user.id);
    expect(error).toBeNull();
    expect(data.user).toEqual({});
    for (const table of ['auth.users', 'public.users']) {
      expect(await sql(stack, `select id from ${table} where id = $1`, [user.id])).toEqual([]);
    }
    for (const table of ['auth.identities', 'auth.sessions']) {
      expect(await sql(stack, `select id from ${table} where user_id = $1`, [user.id])).toEqual([]);
    }
    expect((await admin.getUserById(user.id)).error).toMatchObject({ status: 404, code: 'user_not_found' });
    expect((await admin.deleteUser(user.id)).error).toMatchObject({ status: 404, code: 'user_not_found' });
  });

  test('takes a DELETE without a body as a hard delete, and refuses a broken body without deleting', async () => {
    const user = await createdUser();
    expect((await answerOf(await adminRequest(`/admin/users/${user.id}`, { method: 'DELETE', body: '{"should_soft_delete":' }))).body).toMatchObject({
      code: 'bad_json',
    });
    expect((await adminRequest(`/admin/users/${user.id}`, { method: 'DELETE', body: '{"should_soft_delete":"yes"}' })).status).toBe(400);
    expect(await sql(stack, 'select id from auth.users where id = $1', [user.id])).toHaveLength(1);

    expect(await answerOf(await adminRequest(`/admin/users/${user.id}`, { method: 'DELETE' }))).toEqual({ status: 200, body: {} });
    expect(await sql(stack, 'select id from auth.users where id = $1', [user.id])).toEqual([]);
  });

  test('soft-deletes as Supabase Auth does: the row stays, anonymised and signed out, and its e-mail is free again', async () => {
    const user = await createdUser({ user_metadata: { display_name: 'Soft' }, app_metadata: { plan: 'pro' } });
    const { session } = await signedIn(user.email);

    const { data, error } = await admin.deleteUser(user.id, true);
    expect(error).toBeNull();
    expect(data.user).toEqual({});
    const [row] = await sql(stack, 'select email, encrypted_password, raw_user_meta_data, raw_app_meta_data, deleted_at from auth.users where id = $1', [
      user.id,
    ]);
    expect(row).toMatchObject({ encrypted_password: null, raw_user_meta_data: {}, raw_app_meta_data: {} });
    expect(row!.email).toMatch(/^[\w-]{43}$/);
    expect(row!.deleted_at).toBeInstanceOf(Date);
    expect(await sql(stack, 'select identity_data, email from auth.identities where user_id = $1', [user.id])).toEqual([{ identity_data: {}, email: null }]);
    expect(await sql(stack, 'select id from auth.sessions where user_id = $1', [user.id])).toEqual([]);
    // The row stays, so nothing cascades: the app's profile stays too, as with Supabase Auth.
    expect(await profileOf(user.id)).toHaveLength(1);

    expect((await clientFor(stack).auth.signInWithPassword({ email: user.email, password: PASSWORD })).error?.code).toBe('invalid_credentials');
    expect((await clientFor(stack).auth.getUser(session.access_token)).error?.status).toBe(403);
    expect((await admin.getUserById(user.id)).data.user).toMatchObject({ id: user.id, deleted_at: timestamp, user_metadata: {} });
    await createdUser({ email: user.email });

    expect((await admin.deleteUser(user.id, true)).error).toBeNull();
    expect((await admin.deleteUser(user.id)).error).toBeNull();
    expect(await sql(stack, 'select id from public.users where id = $1', [user.id])).toEqual([]);
  });
});

describe('bad input', () => {
  const email = () => uniqueEmail('bad');
  const nested = (levels: number): unknown => (levels === 0 ? 'bottom' : { nested: nested(levels - 1) });
  const cases: Array<[description: string, body: () => string, status: number, code: string, message?: string]> = [
    ['invalid JSON', () => '{"email":', 400, 'bad_json'],
    ['a JSON array', () => '[]', 400, 'bad_json'],
    ['an empty body', () => '', 400, 'bad_json'],
    ['a number as e-mail', () => JSON.stringify({ email: 42 }), 400, 'bad_json'],
    ['a string as email_confirm', () => JSON.stringify({ email: email(), email_confirm: 'yes' }), 400, 'bad_json'],
    ['a string as user_metadata', () => JSON.stringify({ email: email(), user_metadata: 'bio' }), 400, 'bad_json'],
    ['an array as app_metadata', () => JSON.stringify({ email: email(), app_metadata: ['admin'] }), 400, 'bad_json'],
    ['a number as ban_duration', () => JSON.stringify({ email: email(), ban_duration: 3600 }), 400, 'bad_json'],
    ['U+0000 in metadata', () => JSON.stringify({ email: email(), user_metadata: { bio: 'a\u0000b' } }), 400, 'bad_json'],
    ['metadata nested 40 deep', () => JSON.stringify({ email: email(), user_metadata: nested(40) }), 400, 'bad_json'],
    ['no e-mail', () => JSON.stringify({ password: PASSWORD }), 400, 'validation_failed', 'Cannot create a user without either an email or phone'],
    ['an invalid e-mail', () => JSON.stringify({ email: 'not-an-email' }), 400, 'validation_failed', 'Unable to validate email address: invalid format'],
    ['a phone number', () => JSON.stringify({ email: email(), phone: '+15550100' }), 400, 'phone_provider_disabled'],
    [
      'a password and a password_hash',
      () => JSON.stringify({ email: email(), password: PASSWORD, password_hash: '$2a$10$' + 'a'.repeat(53) }),
      400,
      'validation_failed',
      'Only a password or a password hash should be provided',
    ],
    ['a password_hash that is no bcrypt hash', () => JSON.stringify({ email: email(), password_hash: '$argon2id$v=19$x' }), 400, 'validation_failed'],
    ['a malformed custom id', () => JSON.stringify({ email: email(), id: 'user-1' }), 400, 'validation_failed', 'ID must conform to the uuid v4 format'],
    ['the nil uuid as id', () => JSON.stringify({ email: email(), id: '00000000-0000-0000-0000-000000000000' }), 400, 'validation_failed'],
    ['another audience', () => JSON.stringify({ email: email(), aud: 'admins' }), 400, 'validation_failed'],
    ['a blank role', () => JSON.stringify({ email: email(), role: '  ' }), 400, 'validation_failed'],
    ['a role over 255 characters', () => JSON.stringify({ email: email(), role: 'r'.repeat(256) }), 400, 'validation_failed'],
    ['a bad ban_duration', () => JSON.stringify({ email: email(), ban_duration: 'forever' }), 400, 'validation_failed'],
    [
      `user_metadata over ${MAX_USER_METADATA_BYTES} bytes`,
      () => JSON.stringify({ email: email(), user_metadata: { bio: 'b'.repeat(MAX_USER_METADATA_BYTES) } }),
      400,
      'validation_failed',
    ],
    [
      `app_metadata over ${MAX_APP_METADATA_BYTES} bytes`,
      () => JSON.stringify({ email: email(), app_metadata: { notes: 'a'.repeat(MAX_APP_METADATA_BYTES) } }),
      400,
      'validation_failed',
    ],
  ];
  test.each(cases)('createUser refuses %s, and writes nothing', async (_case, body, status, code, message) => {
    const before = await authState();
    const answer = await answerOf(await adminRequest('/admin/users', { method: 'POST', body: body() }));
    expect(answer).toEqual({ status, body: { code, message: message ?? (expect.any(String) as unknown) } });
    expect(await authState()).toBe(before);
  });

  test('createUser refuses an e-mail already registered, whatever its case, with 422 email_exists', async () => {
    const { email: taken } = await createdUser();
    const before = await authState();
    const { error } = await admin.createUser({ email: taken.toUpperCase(), password: PASSWORD });
    expect(error).toMatchObject({ status: 422, code: 'email_exists', message: 'A user with this email address has already been registered' });
    expect(await authState()).toBe(before);
  });

  test("a body over the gateway's limit is refused with 413 before it reaches auth, and writes nothing", async () => {
    const before = await authState();
    const huge = JSON.stringify({ email: uniqueEmail('huge'), user_metadata: { bio: 'h'.repeat(1024 * 1024) } });
    const response = await adminRequest('/admin/users', { method: 'POST', body: huge });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ message: 'Request size limit exceeded' });
    expect(await authState()).toBe(before);
  });

  test('junk bodies to create and update are refused with a readable 4xx, or change nothing', async () => {
    const target = await createdUser();
    const before = await authState();
    const request = fc.record({ method: fc.constantFrom('POST', 'PUT'), body: junkBody });
    await fc.assert(
      fc.asyncProperty(request, async ({ method, body }) => {
        const path = method === 'POST' ? '/admin/users' : `/admin/users/${target.id}`;
        const response = await adminRequest(path, { method, body }).catch((error: Error) => {
          // The gateway may close on a body over its limit while it is still going out: no answer is owed then.
          if ((error.cause as NodeJS.ErrnoException | undefined)?.code === 'EPIPE') return undefined;
          throw error;
        });
        if (!response) return;
        const text = await response.text();
        if (response.status === 200 && method === 'PUT') return;
        const problem = response.status >= 400 && response.status < 500 ? errorBodyProblem(text) : `answered ${response.status}`;
        if (problem) throw new Error(`${method} ${path} ${JSON.stringify(body.slice(0, 200))} -> ${response.status}: ${problem}`);
      }),
      { seed: 20_251_202, numRuns: 150 },
    );
    expect(await authState()).toBe(before);
  });
});
