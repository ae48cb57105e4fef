import { describe, expect, test } from 'vitest';
import { getProfile, updateProfile, type ProfileChanges } from '../../../src/features/auth/api/profile.ts';
import { PROFILE_LIMITS, profileErrorsFromDatabase, profileToInput, validateProfile } from '../../../src/features/auth/utils/profile-input.ts';
import { authErrorMessage } from '../../../src/features/auth/utils/auth-error-message.ts';
import { ApiError } from '../../../src/lib/api-error.ts';
import type { AppSupabaseClient } from '../../../src/lib/create-supabase-client.ts';
import { appClientFor, stackForThisFile } from '../../support/app-stack.ts';
import { DEMO_IDS, DEMO_PASSWORD, sql, uniqueEmail } from '../../support/test-stack.ts';

const stack = stackForThisFile();

function appClient(): AppSupabaseClient {
  return appClientFor(stack());
}

/** Someone who signed up as a reader: an applicant, whose card is not listed until an admin approves it. */
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

test('a new reader has a profile from sign-up (not a reader until approved), and can edit their card', async () => {
  const { client, userId } = await newReader();
  expect(await getProfile(client, userId)).toEqual({ id: userId, display_name: 'Nova', avatar_url: null, bio: '', specialties: [], is_reader: false });

  const saved = await updateProfile(client, userId, {
    display_name: 'Nova Moonfield',
    avatar_url: 'https://example.com/nova.jpg',
    bio: 'Reads the cards by candlelight.',
    specialties: ['Dreams', 'Past lives'],
  });
  expect(saved).toMatchObject({ display_name: 'Nova Moonfield', specialties: ['Dreams', 'Past lives'], is_reader: false });
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

test('a profile saved while the network is down says so in words, and nothing changes', async () => {
  const { client, userId } = await newReader();
  // Signed in with the real stack, then the network goes: fetch rejects as a browser's does.
  const { data } = await client.auth.getSession();
  const offline = appClientFor(stack(), () => Promise.reject(new TypeError('Failed to fetch')));
  await offline.auth.setSession({ access_token: data.session!.access_token, refresh_token: data.session!.refresh_token }).catch(() => undefined);
  const error = await updateProfile(offline, userId, { display_name: 'Offline', avatar_url: null, bio: '', specialties: [] }).catch(
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(ApiError);
  expect(error).toMatchObject({ status: 0, message: 'The server cannot be reached. Check your connection and try again.' });
  expect(authErrorMessage(error)).not.toContain('TypeError');
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

describe('the database enforces every profile limit, and the app names the field', () => {
  const card: ProfileChanges = { display_name: 'Nova', avatar_url: null, bio: '', specialties: [] };
  const atLimit: ProfileChanges = {
    display_name: 'n'.repeat(PROFILE_LIMITS.displayName),
    avatar_url: `https://example.com/${'a'.repeat(PROFILE_LIMITS.avatarUrl - 'https://example.com/'.length)}`,
    bio: 'b'.repeat(PROFILE_LIMITS.bio),
    specialties: Array.from({ length: PROFILE_LIMITS.specialties }, (_, i) => `${i}`.padEnd(PROFILE_LIMITS.specialty, 's')),
  };

  test('values exactly at the limits are stored, and the form accepts them too', async () => {
    const { client, userId } = await newReader();
    expect(validateProfile(profileToInput(atLimit)).errors).toBeNull();
    expect(await updateProfile(client, userId, atLimit)).toMatchObject(atLimit);
  });

  const refused: Array<[string, Partial<ProfileChanges>, string]> = [
    ['a name one past the limit', { display_name: 'n'.repeat(PROFILE_LIMITS.displayName + 1) }, 'displayName'],
    ['a blank name', { display_name: '   ' }, 'displayName'],
    ['a name with a line break', { display_name: 'Nova\nMoon' }, 'displayName'],
    ['a name with a terminal escape', { display_name: 'Nova\u001b[2J' }, 'displayName'],
    ['a name with a line separator', { display_name: 'Nova\u2028Moon' }, 'displayName'],
    ['a name with a right-to-left override', { display_name: 'Nova \u202egpj.exe' }, 'displayName'],
    ['a name of zero-width and no-break spaces only', { display_name: '\u200b\u00a0\u3000\ufeff' }, 'displayName'],
    ['a javascript: photo address', { avatar_url: 'javascript:alert(1)' }, 'avatarUrl'],
    ['a data: photo address', { avatar_url: 'data:image/svg+xml,<svg onload=alert(1)>' }, 'avatarUrl'],
    ['an http photo address', { avatar_url: 'http://example.com/nova.jpg' }, 'avatarUrl'],
    ['a photo address with a space', { avatar_url: 'https://example.com/a b.jpg' }, 'avatarUrl'],
    ['a photo address one past the limit', { avatar_url: `https://example.com/${'a'.repeat(PROFILE_LIMITS.avatarUrl)}` }, 'avatarUrl'],
    ['an introduction one past the limit', { bio: 'b'.repeat(PROFILE_LIMITS.bio + 1) }, 'bio'],
    ['one specialty too many', { specialties: Array.from({ length: PROFILE_LIMITS.specialties + 1 }, (_, i) => `s${i}`) }, 'specialties'],
    ['a specialty one past the limit', { specialties: ['s'.repeat(PROFILE_LIMITS.specialty + 1)] }, 'specialties'],
    ['a specialty of 500 KB', { specialties: ['s'.repeat(500_000)] }, 'specialties'],
    ['a blank specialty', { specialties: ['Love', ' '] }, 'specialties'],
    ['a specialty with a line break', { specialties: ['Love\nCareer'] }, 'specialties'],
    ['a specialty with a paragraph separator', { specialties: ['Love\u2029Career'] }, 'specialties'],
    ['a null specialty', { specialties: [null as unknown as string] }, 'specialties'],
  ];

  test.each(refused)('%s is refused with a named limit the app maps to its field, and nothing changes', async (_label, change, field) => {
    const { client, userId } = await newReader();
    const error = await updateProfile(client, userId, { ...card, ...change }).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toMatchObject({ code: '23514' });
    expect(Object.keys(profileErrorsFromDatabase(error) ?? {})).toEqual([field]);
    expect(await getProfile(client, userId)).toMatchObject(card);
  });

  test('sign-up metadata that does not fit the profile never fails the sign-up: the card takes what fits', async () => {
    // Only a JSON true applies to be a reader; nobody is a reader from sign-up alone.
    const hostile = [
      { metadata: { display_name: 'x'.repeat(5_000), is_reader: 'maybe' }, expected: { display_name: 'x'.repeat(80), applied: false } },
      { metadata: { display_name: '\u001b[31mRed\n', is_reader: true }, expected: { display_name: '[31mRed', applied: true } },
      { metadata: { display_name: 'Line\u2028Break \u202eevil', is_reader: true }, expected: { display_name: 'LineBreak evil', applied: true } },
      { metadata: { display_name: { nested: true }, is_reader: 1 }, expected: { applied: false } },
      { metadata: { display_name: '   ', is_reader: 'true' }, expected: { applied: false } },
    ];
    for (const { metadata, expected } of hostile) {
      const email = uniqueEmail('metadata');
      const { data, error } = await appClient().auth.signUp({ email, password: DEMO_PASSWORD, options: { data: metadata } });
      expect(error, JSON.stringify(metadata)).toBeNull();
      const [row] = await sql(
        stack(),
        'select u.display_name, u.is_reader, a.applicant_id is not null as applied from public.users u left join public.reader_applications a on a.applicant_id = u.id where u.id = $1',
        [data.user!.id],
      );
      expect(row, JSON.stringify(metadata)).toMatchObject({
        display_name: expected.display_name ?? email.split('@')[0],
        is_reader: false,
        applied: expected.applied,
      });
    }
  });
});
