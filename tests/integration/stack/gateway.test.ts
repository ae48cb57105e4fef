import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunningStack } from '../../../local-stack/stack.ts';
import { PUBLISHABLE_KEY, SECRET_KEY } from '../../../local-stack/config.ts';
import { clientFor, sql, startTestStack, uniqueEmail } from '../../support/test-stack.ts';

let stack: RunningStack;

beforeAll(async () => {
  stack = await startTestStack({ seed: false });
  // A table of the test's own, with Supabase-style RLS, to prove the gateway and PostgREST apply it.
  await sql(stack, `
    create table public.gateway_notes (
      id bigint generated always as identity primary key,
      owner_id uuid not null default auth.uid() references auth.users (id),
      body text not null,
      is_public boolean not null default false
    );
    alter table public.gateway_notes enable row level security;
    create policy "Anyone can read public notes" on public.gateway_notes for select to anon, authenticated using (is_public);
    create policy "Owners can read their notes" on public.gateway_notes for select to authenticated using ((select auth.uid()) = owner_id);
    create policy "Owners can add their notes" on public.gateway_notes for insert to authenticated with check ((select auth.uid()) = owner_id);
    grant select on public.gateway_notes to anon;
    grant select, insert on public.gateway_notes to authenticated;
    grant select on public.gateway_notes to service_role;
    notify pgrst, 'reload schema';
  `);
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const { error } = await clientFor(stack).from('gateway_notes').select('id').limit(1);
    if (!error) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('PostgREST did not pick up the test table');
});

afterAll(async () => {
  await stack?.stop();
});

describe('apikey', () => {
  test('a request without an apikey is refused with 401', async () => {
    const response = await fetch(`${stack.apiUrl}/rest/v1/gateway_notes`);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ message: 'No API key found in request' });
  });

  test('a request with an unknown apikey is refused with 401, also on auth', async () => {
    for (const path of ['/rest/v1/gateway_notes', '/auth/v1/health']) {
      const response = await fetch(`${stack.apiUrl}${path}`, { headers: { apikey: 'not-a-key' } });
      expect(response.status, path).toBe(401);
      expect(await response.json()).toMatchObject({ message: 'Invalid API key' });
    }
  });

  test('the opaque publishable and secret keys act as anon and service_role', async () => {
    const { data } = await clientFor(stack).auth.signUp({ email: uniqueEmail('opaque'), password: 'opaque-password' });
    await sql(stack, "insert into public.gateway_notes (owner_id, body) values ($1, 'opaque private')", [data.user!.id]);
    const read = async (apikey: string) => {
      const response = await fetch(`${stack.apiUrl}/rest/v1/gateway_notes?select=body&body=eq.opaque%20private`, { headers: { apikey } });
      expect(response.status).toBe(200);
      return response.json();
    };
    expect(await read(PUBLISHABLE_KEY)).toEqual([]);
    expect(await read(SECRET_KEY)).toEqual([{ body: 'opaque private' }]);
  });

  test('unknown paths answer 404', async () => {
    const response = await fetch(`${stack.apiUrl}/storage/v1/bucket`, { headers: { apikey: stack.anonKey } });
    expect(response.status).toBe(404);
  });
});

describe('CORS', () => {
  test('a browser preflight is answered with the headers supabase-js sends', async () => {
    const response = await fetch(`${stack.apiUrl}/rest/v1/gateway_notes`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'apikey,authorization,x-client-info' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-headers')).toContain('apikey');
    expect(response.headers.get('access-control-allow-headers')).toContain('x-supabase-api-version');
  });

  test('responses expose the Supabase API version header to browsers', async () => {
    const response = await fetch(`${stack.apiUrl}/auth/v1/health`, { headers: { apikey: stack.anonKey } });
    expect(response.headers.get('access-control-expose-headers')).toContain('X-Supabase-Api-Version');
  });
});

describe('row-level security through the gateway', () => {
  test('anonymous sees public rows only; a signed-in owner sees their own too; nobody writes for another', async () => {
    const alice = clientFor(stack);
    const bob = clientFor(stack);
    const aliceSignUp = await alice.auth.signUp({ email: uniqueEmail('alice'), password: 'alice-password' });
    const bobSignUp = await bob.auth.signUp({ email: uniqueEmail('bob'), password: 'bob-password' });
    expect(aliceSignUp.error).toBeNull();
    expect(bobSignUp.error).toBeNull();
    const aliceId = aliceSignUp.data.user!.id;

    const inserted = await alice.from('gateway_notes').insert([
      { body: 'alice public', is_public: true },
      { body: 'alice private', is_public: false },
    ]);
    expect(inserted.error).toBeNull();

    const forged = await bob.from('gateway_notes').insert({ body: 'pretending to be alice', owner_id: aliceId });
    expect(forged.error?.code).toBe('42501');

    const anonymous = await clientFor(stack).from('gateway_notes').select('body').order('body');
    expect(anonymous.data).toEqual([{ body: 'alice public' }]);

    const asAlice = await alice.from('gateway_notes').select('body').order('body');
    expect(asAlice.data).toEqual([{ body: 'alice private' }, { body: 'alice public' }]);

    const asBob = await bob.from('gateway_notes').select('body').order('body');
    expect(asBob.data).toEqual([{ body: 'alice public' }]);

    const anonymousInsert = await clientFor(stack).from('gateway_notes').insert({ body: 'anonymous' });
    expect(anonymousInsert.error?.code).toBe('42501');
  });

  test('auth.uid() inside the database is the signed-in user', async () => {
    const client = clientFor(stack);
    const { data } = await client.auth.signUp({ email: uniqueEmail('uid'), password: 'uid-password' });
    await client.from('gateway_notes').insert({ body: 'mine' });
    const rows = await sql<{ owner_id: string }>(stack, "select owner_id from public.gateway_notes where body = 'mine'");
    expect(rows).toEqual([{ owner_id: data.user!.id }]);
  });
});
