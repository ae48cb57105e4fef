import { afterAll, beforeAll, expect, test } from 'vitest';
import type { RunningStack } from '../../../local-stack/stack.ts';
import { clientFor, startTestStack, uniqueEmail } from '../../support/test-stack.ts';

let stack: RunningStack;

beforeAll(async () => {
  stack = await startTestStack({ seed: false });
});

afterAll(async () => {
  await stack?.stop();
});

test('supabase-js signs up, signs in, refreshes and signs out through the gateway', async () => {
  const email = uniqueEmail('flow');
  const client = clientFor(stack);

  const signUp = await client.auth.signUp({ email, password: 'flow-password', options: { data: { display_name: 'Flow' } } });
  expect(signUp.error).toBeNull();
  expect(signUp.data.session?.access_token).toBeTruthy();
  expect(signUp.data.user).toMatchObject({ email, role: 'authenticated', user_metadata: { display_name: 'Flow' } });

  const signIn = await client.auth.signInWithPassword({ email, password: 'flow-password' });
  expect(signIn.error).toBeNull();
  const firstSession = signIn.data.session!;

  const refreshed = await client.auth.refreshSession();
  expect(refreshed.error).toBeNull();
  expect(refreshed.data.session?.refresh_token).not.toBe(firstSession.refresh_token);
  expect(refreshed.data.user?.id).toBe(signUp.data.user?.id);

  const user = await client.auth.getUser();
  expect(user.data.user?.email).toBe(email);

  const signOut = await client.auth.signOut();
  expect(signOut.error).toBeNull();
  const afterSignOut = await clientFor(stack).auth.getUser(refreshed.data.session!.access_token);
  // auth-js turns Supabase's 403 session_not_found into AuthSessionMissingError.
  expect(afterSignOut.error?.name).toBe('AuthSessionMissingError');
});

test("a wrong password is refused with Supabase's error code", async () => {
  const email = uniqueEmail('wrong');
  await clientFor(stack).auth.signUp({ email, password: 'right-password' });
  const { error } = await clientFor(stack).auth.signInWithPassword({ email, password: 'wrong-password' });
  expect(error?.status).toBe(400);
  expect(error?.code).toBe('invalid_credentials');
});

test('a user token reaches PostgREST as the authenticated role', async () => {
  const client = clientFor(stack);
  await client.auth.signUp({ email: uniqueEmail('role'), password: 'role-password' });
  const { data: session } = await client.auth.getSession();
  const response = await fetch(`${stack.apiUrl}/rest/v1/rpc/no_such_function`, {
    method: 'POST',
    headers: { apikey: stack.anonKey, authorization: `Bearer ${session.session!.access_token}`, 'content-type': 'application/json' },
    body: '{}',
  });
  // PostgREST accepted the JWT (a bad one would give 401 PGRST301) and looked the function up.
  expect(response.status).toBe(404);
  expect(await response.json()).toMatchObject({ code: 'PGRST202' });
});
