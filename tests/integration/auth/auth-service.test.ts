import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunningStack } from '../../../local-stack/stack.ts';
import { clientFor, sql, startTestStack, uniqueEmail } from '../../support/test-stack.ts';

let stack: RunningStack;

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.stop();
});

function claimsOf(accessToken: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString('utf8'));
}

async function authFetch(path: string, init: RequestInit & { headers?: Record<string, string> } = {}) {
  const response = await fetch(`${stack.apiUrl}/auth/v1${path}`, {
    ...init,
    headers: { apikey: stack.anonKey, 'x-supabase-api-version': '2024-01-01', 'content-type': 'application/json', ...init.headers },
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

async function signedUp(metadata: Record<string, unknown> = {}) {
  const email = uniqueEmail('auth');
  const client = clientFor(stack);
  const { data, error } = await client.auth.signUp({ email, password: 'auth-password', options: { data: metadata } });
  expect(error).toBeNull();
  return { client, email, session: data.session!, user: data.user! };
}

describe('sign-up', () => {
  test('returns a session whose user and access token carry the claims Supabase Auth issues', async () => {
    const { session, user, email } = await signedUp({ display_name: 'Ada' });
    expect(user).toMatchObject({
      aud: 'authenticated',
      role: 'authenticated',
      email,
      phone: '',
      app_metadata: { provider: 'email', providers: ['email'] },
      user_metadata: { display_name: 'Ada', email_verified: true },
      is_anonymous: false,
    });
    expect(user.identities).toEqual([expect.objectContaining({ provider: 'email', user_id: user.id, email })]);
    expect(session.token_type).toBe('bearer');
    expect(session.refresh_token).toMatch(/^[a-z0-9]{12}$/);

    const claims = claimsOf(session.access_token);
    expect(claims).toMatchObject({
      iss: `${stack.apiUrl}/auth/v1`,
      sub: user.id,
      aud: 'authenticated',
      role: 'authenticated',
      email,
      aal: 'aal1',
      amr: [expect.objectContaining({ method: 'password' })],
      is_anonymous: false,
    });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(3600);
    const sessions = await sql(stack, 'select id from auth.sessions where user_id = $1', [user.id]);
    expect(sessions.map((row) => row.id)).toEqual([claims.session_id]);
  });

  test('stores the e-mail lowercased and a bcrypt hash, never the password', async () => {
    const email = uniqueEmail('MiXeD').replace('mixed', 'MiXeD');
    await clientFor(stack).auth.signUp({ email, password: 'auth-password' });
    const rows = await sql(stack, 'select email, encrypted_password from auth.users where email = lower($1)', [email]);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.encrypted_password).toMatch(/^\$2[aby]\$10\$/);
  });

  test('refuses a duplicate e-mail, a weak password and a malformed e-mail with Supabase\'s codes', async () => {
    const { email } = await signedUp();
    const duplicate = await clientFor(stack).auth.signUp({ email, password: 'auth-password' });
    expect(duplicate.error).toMatchObject({ status: 422, code: 'user_already_exists' });

    const weak = await clientFor(stack).auth.signUp({ email: uniqueEmail('weak'), password: '12345' });
    expect(weak.error).toMatchObject({ status: 422, code: 'weak_password', reasons: ['length'] });

    const malformed = await clientFor(stack).auth.signUp({ email: 'not-an-email', password: 'auth-password' });
    expect(malformed.error).toMatchObject({ status: 400, code: 'validation_failed' });

    const tooLong = await clientFor(stack).auth.signUp({ email: uniqueEmail('long'), password: 'x'.repeat(73) });
    expect(tooLong.error).toMatchObject({ status: 400, code: 'validation_failed' });
  });

  test('a failing trigger on auth.users answers "Database error saving new user" and keeps no user', async () => {
    await sql(stack, `
      create function public.refuse_new_user() returns trigger language plpgsql as $$
      begin raise exception 'no profile for %', new.email; end $$;
      create trigger refuse_new_user after insert on auth.users for each row
        when (new.email like 'refused-%') execute function public.refuse_new_user();
    `);
    const email = uniqueEmail('refused');
    const response = await authFetch('/signup', { method: 'POST', body: JSON.stringify({ email, password: 'auth-password' }) });
    expect(response.status).toBe(500);
    expect(response.body).toEqual({ code: 'unexpected_failure', message: 'Database error saving new user' });
    expect(await sql(stack, 'select 1 from auth.users where email = $1', [email])).toEqual([]);
  });

  test('invalid JSON is a 400 bad_json with the error headers browsers can read', async () => {
    const response = await authFetch('/signup', { method: 'POST', body: '{not json' });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('bad_json');
    expect(response.headers.get('x-sb-error-code')).toBe('bad_json');
    expect(response.headers.get('x-supabase-api-version')).toBe('2024-01-01');
  });
});

describe('sign-in', () => {
  test('a wrong password and an unknown e-mail get the same answer', async () => {
    const { email } = await signedUp();
    const wrong = await clientFor(stack).auth.signInWithPassword({ email, password: 'wrong-password' });
    const unknown = await clientFor(stack).auth.signInWithPassword({ email: uniqueEmail('nobody'), password: 'auth-password' });
    for (const { error } of [wrong, unknown]) expect(error).toMatchObject({ status: 400, code: 'invalid_credentials', message: 'Invalid login credentials' });
  });

  test('a seeded account whose hash pgcrypto made signs in', async () => {
    const { data, error } = await clientFor(stack).auth.signInWithPassword({ email: 'luna@demo.test', password: 'password123' });
    expect(error).toBeNull();
    expect(data.user?.user_metadata).toMatchObject({ display_name: 'Luna Starweaver' });
  });

  test('a banned user cannot sign in', async () => {
    const { email, user } = await signedUp();
    await sql(stack, "update auth.users set banned_until = now() + interval '1 day' where id = $1", [user.id]);
    const { error } = await clientFor(stack).auth.signInWithPassword({ email, password: 'auth-password' });
    expect(error).toMatchObject({ status: 400, code: 'user_banned' });
  });
});

describe('refresh tokens', () => {
  test('rotate: each refresh revokes the token used and hands out its child', async () => {
    const { client, session } = await signedUp();
    const { data, error } = await client.auth.refreshSession();
    expect(error).toBeNull();
    const next = data.session!.refresh_token;
    expect(next).not.toBe(session.refresh_token);
    const rows = await sql(stack, 'select token, revoked, parent from auth.refresh_tokens where token in ($1, $2) order by id', [session.refresh_token, next]);
    expect(rows).toEqual([
      { token: session.refresh_token, revoked: true, parent: null },
      { token: next, revoked: false, parent: session.refresh_token },
    ]);
  });

  test('a revoked token reused within the reuse window gets the current child; later it ends the session', async () => {
    const { client, session } = await signedUp();
    const { data } = await client.auth.refreshSession();
    const child = data.session!.refresh_token;

    const reused = await clientFor(stack).auth.refreshSession({ refresh_token: session.refresh_token });
    expect(reused.error).toBeNull();
    expect(reused.data.session?.refresh_token).toBe(child);

    await sql(stack, "update auth.refresh_tokens set updated_at = now() - interval '11 seconds' where token = $1", [session.refresh_token]);
    const tooLate = await clientFor(stack).auth.refreshSession({ refresh_token: session.refresh_token });
    expect(tooLate.error).toMatchObject({ status: 400, code: 'refresh_token_already_used' });
    const sessionId = claimsOf(session.access_token).session_id;
    expect(await sql(stack, 'select 1 from auth.sessions where id = $1', [sessionId])).toEqual([]);
    const childAfter = await clientFor(stack).auth.refreshSession({ refresh_token: child });
    expect(childAfter.error).toMatchObject({ code: 'refresh_token_not_found' });
  });

  test('an unknown refresh token is refused', async () => {
    const { error } = await clientFor(stack).auth.refreshSession({ refresh_token: 'aaaaaaaaaaaa' });
    expect(error).toMatchObject({ status: 400, code: 'refresh_token_not_found' });
  });
});

describe('the signed-in user', () => {
  test('updateUser merges metadata and removes keys set to null', async () => {
    const { client } = await signedUp({ display_name: 'Before', bio: 'old' });
    const { data, error } = await client.auth.updateUser({ data: { display_name: 'After', bio: null, theme: 'night' } });
    expect(error).toBeNull();
    expect(data.user?.user_metadata).toEqual({ display_name: 'After', theme: 'night', email_verified: true });
    const fetched = await client.auth.getUser();
    expect(fetched.data.user?.user_metadata).toEqual({ display_name: 'After', theme: 'night', email_verified: true });
  });

  test('a changed password is the one that signs in afterwards', async () => {
    const { client, email } = await signedUp();
    expect((await client.auth.updateUser({ password: 'brand-new-password' })).error).toBeNull();
    expect((await clientFor(stack).auth.signInWithPassword({ email, password: 'auth-password' })).error?.code).toBe('invalid_credentials');
    expect((await clientFor(stack).auth.signInWithPassword({ email, password: 'brand-new-password' })).error).toBeNull();
  });

  test('the anon key (what the gateway sends without a user token) or a forged token is 403 bad_jwt', async () => {
    const { session } = await signedUp();
    const anonymous = await authFetch('/user');
    expect(anonymous).toMatchObject({ status: 403, body: { code: 'bad_jwt' } });
    const forged = await authFetch('/user', { headers: { authorization: `Bearer ${session.access_token.slice(0, -4)}AAAA` } });
    expect(forged).toMatchObject({ status: 403, body: { code: 'bad_jwt' } });
  });

  test('global sign-out ends every session of the user; local ends only its own', async () => {
    const { email, client: first } = await signedUp();
    const second = clientFor(stack);
    const third = clientFor(stack);
    await second.auth.signInWithPassword({ email, password: 'auth-password' });
    await third.auth.signInWithPassword({ email, password: 'auth-password' });
    const tokens = await Promise.all([first, second, third].map(async (c) => (await c.auth.getSession()).data.session!.access_token));

    await third.auth.signOut({ scope: 'local' });
    const thirdAfter = await authFetch('/user', { headers: { authorization: `Bearer ${tokens[2]}` } });
    expect(thirdAfter).toMatchObject({ status: 403, body: { code: 'session_not_found' } });
    expect((await authFetch('/user', { headers: { authorization: `Bearer ${tokens[1]}` } })).status).toBe(200);

    await first.auth.signOut({ scope: 'global' });
    for (const token of tokens.slice(0, 2)) {
      expect((await authFetch('/user', { headers: { authorization: `Bearer ${token}` } })).status).toBe(403);
    }
  });
});

describe('service endpoints', () => {
  test('/health and /settings answer with GoTrue\'s shapes', async () => {
    const health = await authFetch('/health');
    expect(health).toMatchObject({ status: 200, body: { name: 'GoTrue' } });
    const settings = await authFetch('/settings');
    expect(settings).toMatchObject({ status: 200, body: { external: { email: true }, disable_signup: false, mailer_autoconfirm: true } });
  });

  test('unknown paths are 404 and wrong methods 405', async () => {
    expect((await authFetch('/nope')).status).toBe(404);
    expect((await authFetch('/signup', { method: 'GET' })).status).toBe(405);
  });
});
