import { describe, expect, test } from 'vitest';
import { parseSpecialties, profileToInput, validateProfile, type ProfileInput } from '@/features/auth/utils/profile-input';

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
      avatarUrl: 'Enter a web address starting with https:// or http://, or leave it empty.',
      bio: 'Keep the introduction to 2000 characters (now 2001).',
      specialties: 'List at most 12 specialties (now 13).',
    });
  });

  test('accepts the limits exactly and refuses one past them', () => {
    expect(validateProfile({ ...valid, displayName: 'n'.repeat(80), bio: 'b'.repeat(2000), specialties: 's'.repeat(40) }).errors).toBeNull();
    expect(validateProfile({ ...valid, displayName: 'n'.repeat(81) }).errors?.displayName).toBe('Keep the name to 80 characters.');
    expect(validateProfile({ ...valid, specialties: 's'.repeat(41) }).errors?.specialties).toBe('Keep each specialty to 40 characters.');
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
