import { expect, test } from 'vitest';
import { getProfile, updateProfile } from '../../../src/features/auth/api/profile.ts';
import type { AppSupabaseClient } from '../../../src/lib/create-supabase-client.ts';
import { appClientFor, stackForThisFile } from '../../support/app-stack.ts';
import { DEMO_IDS, DEMO_PASSWORD, sql, uniqueEmail } from '../../support/test-stack.ts';

const stack = stackForThisFile();

function appClient(): AppSupabaseClient {
  return appClientFor(stack());
}

async function newReader(): Promise<{ client: AppSupabaseClient; userId: string }> {
  const client = appClient();
  const { data, error } = await client.auth.signUp({
    email: uniqueEmail('reader'),
    password: DEMO_PASSWORD,
    options: { data: { display_name: 'Nova', is_reader: true } },
  });
  if (error || !data.user) throw error ?? new Error('sign-up returned no user');
  return { client, userId: data.user.id };
}

test('a new reader has a profile from sign-up, and can edit their card', async () => {
  const { client, userId } = await newReader();
  expect(await getProfile(client, userId)).toEqual({ id: userId, display_name: 'Nova', avatar_url: null, bio: '', specialties: [], is_reader: true });

  const saved = await updateProfile(client, userId, {
    display_name: 'Nova Moonfield',
    avatar_url: 'https://example.com/nova.jpg',
    bio: 'Reads the cards by candlelight.',
    specialties: ['Dreams', 'Past lives'],
  });
  expect(saved).toMatchObject({ display_name: 'Nova Moonfield', specialties: ['Dreams', 'Past lives'], is_reader: true });
  const [row] = await sql(stack(), 'select display_name, bio from public.users where id = $1', [userId]);
  expect(row).toEqual({ display_name: 'Nova Moonfield', bio: 'Reads the cards by candlelight.' });
});

test('a value the database refuses comes back as an error and changes nothing', async () => {
  const { client, userId } = await newReader();
  await expect(updateProfile(client, userId, { display_name: 'x'.repeat(81), avatar_url: null, bio: '', specialties: [] })).rejects.toMatchObject({
    code: '23514',
  });
  expect((await getProfile(client, userId)).display_name).toBe('Nova');
});

test("updating someone else's profile finds no row to change", async () => {
  const { client } = await newReader();
  await expect(updateProfile(client, DEMO_IDS.luna, { display_name: 'Hacked', avatar_url: null, bio: '', specialties: [] })).rejects.toMatchObject({
    code: 'PGRST116',
  });
  const [luna] = await sql(stack(), 'select display_name from public.users where id = $1', [DEMO_IDS.luna]);
  expect(luna?.display_name).toBe('Luna Starweaver');
});

test('the demo reader can sign in and read their own profile', async () => {
  const client = appClient();
  const { data } = await client.auth.signInWithPassword({ email: 'luna@demo.test', password: DEMO_PASSWORD });
  expect((await getProfile(client, data.user!.id)).is_reader).toBe(true);
});
