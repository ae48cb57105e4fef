import { describe, expect, test } from 'vitest';
import { apiError } from '@/lib/api-error';
import { parseSpecialties, profileErrorsFromDatabase, profileToInput, validateProfile, type ProfileInput } from '@/features/auth/utils/profile-input';

const valid: ProfileInput = { displayName: '  Luna Starweaver ', avatarUrl: '', bio: ' Hello ', specialties: 'Love, Career' };

describe('validateProfile', () => {
  test('trims what was typed and turns it into the columns to save', () => {
    expect(validateProfile(valid)).toEqual({
      changes: { display_name: 'Luna Starweaver', avatar_url: null, bio: 'Hello', specialties: ['Love', 'Career'] },
      errors: null,
    });
    expect(validateProfile({ ...valid, avatarUrl: ' https://example.com/luna.jpg ' }).changes?.avatar_url).toBe('https://example.com/luna.jpg');
  });

  test('names each field that is wrong, with what to do', () => {
    const result = validateProfile({
      displayName: '   ',
      avatarUrl: 'javascript:alert(1)',
      bio: 'x'.repeat(2001),
      specialties: Array.from({ length: 13 }, (_, i) => `s${i}`).join(','),
    });
    expect(result.errors).toEqual({
      displayName: 'Enter the name clients will see.',
      avatarUrl: 'Enter a web address starting with https://, or leave it empty.',
      bio: 'Keep the introduction to 2000 characters (now 2001).',
      specialties: 'List at most 12 specialties (now 13).',
    });
  });

  test('counts characters as the database does: an emoji is one', () => {
    expect(validateProfile({ ...valid, displayName: '🌙'.repeat(80) }).errors).toBeNull();
    expect(validateProfile({ ...valid, displayName: '🌙'.repeat(81) }).errors?.displayName).toBe('Keep the name to 80 characters.');
  });

  test('refuses what the database refuses: http addresses, control characters', () => {
    expect(validateProfile({ ...valid, avatarUrl: 'http://example.com/luna.jpg' }).errors?.avatarUrl).toBe(
      'Enter a web address starting with https://, or leave it empty.',
    );
    expect(validateProfile({ ...valid, displayName: 'Luna\u0007' }).errors?.displayName).toBe('Enter the name on one line, without special characters.');
    expect(validateProfile({ ...valid, specialties: 'Love\u001b[31m' }).errors?.specialties).toBe(
      'Keep each specialty to 40 characters, without special characters.',
    );
  });

  test('accepts the limits exactly and refuses one past them', () => {
    expect(validateProfile({ ...valid, displayName: 'n'.repeat(80), bio: 'b'.repeat(2000), specialties: 's'.repeat(40) }).errors).toBeNull();
    expect(validateProfile({ ...valid, displayName: 'n'.repeat(81) }).errors?.displayName).toBe('Keep the name to 80 characters.');
    expect(validateProfile({ ...valid, specialties: 's'.repeat(41) }).errors?.specialties).toBe(
      'Keep each specialty to 40 characters, without special characters.',
    );
    expect(validateProfile({ ...valid, avatarUrl: `https://e.com/${'a'.repeat(490)}` }).errors?.avatarUrl).toBe('Keep the address to 500 characters.');
  });
});

test('parseSpecialties drops blanks and repeats in any case, and tidies spaces', () => {
  expect(parseSpecialties(' Love,career ,, love ,  Past   lives ')).toEqual(['Love', 'career', 'Past lives']);
  expect(parseSpecialties('')).toEqual([]);
});

test('profileToInput fills the form from a saved profile', () => {
  expect(profileToInput({ display_name: 'Luna', avatar_url: null, bio: 'Hi', specialties: ['Love', 'Career'] })).toEqual({
    displayName: 'Luna',
    avatarUrl: '',
    bio: 'Hi',
    specialties: 'Love, Career',
  });
});

describe('profileErrorsFromDatabase', () => {
  test('turns a profile limit the database enforced into the field to fix', () => {
    const refusal = (constraint: string) => apiError(400, { code: '23514', message: `new row for relation "users" violates check constraint "${constraint}"` });
    expect(profileErrorsFromDatabase(refusal('users_bio_length'))).toEqual({ bio: 'Keep the introduction to 2000 characters.' });
    expect(profileErrorsFromDatabase(refusal('users_avatar_url_https'))).toEqual({
      avatarUrl: 'Enter a web address starting with https://, or leave it empty.',
    });
    expect(profileErrorsFromDatabase(refusal('users_specialties_count'))).toEqual({ specialties: 'List at most 12 specialties.' });
  });

  test("a listed reader's name another listed reader already has marks the name", () => {
    const taken = apiError(409, { code: '23505', message: 'duplicate key value violates unique constraint "users_reader_display_name_key"' });
    expect(profileErrorsFromDatabase(taken)).toEqual({ displayName: 'Another reader already uses this name.' });
  });

  test('leaves every other failure to the general message', () => {
    expect(profileErrorsFromDatabase(apiError(400, { code: '23514', message: 'violates check constraint "some_other_rule"' }))).toBeNull();
    expect(profileErrorsFromDatabase(apiError(403, { code: '42501', message: 'permission denied' }))).toBeNull();
    // A constraint name in the words of some other failure is not a limit.
    expect(profileErrorsFromDatabase(apiError(500, { code: 'XX000', message: 'violates check constraint "users_bio_length"' }))).toBeNull();
    // Only the app's ApiError is read: a bare object with the code is not one.
    expect(profileErrorsFromDatabase({ code: '23514', message: 'new row for relation "users" violates check constraint "users_bio_length"' })).toBeNull();
    expect(profileErrorsFromDatabase(new TypeError('Failed to fetch'))).toBeNull();
    expect(profileErrorsFromDatabase(null)).toBeNull();
  });
});
