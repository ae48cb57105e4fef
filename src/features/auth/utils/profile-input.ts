import type { ProfileChanges } from '@/features/auth/api/profile';

export interface ProfileInput {
  displayName: string;
  avatarUrl: string;
  bio: string;
  /** Comma-separated, as typed. */
  specialties: string;
}

export type ProfileErrors = Partial<Record<keyof ProfileInput, string>>;

// The database's own limits (20251125000100_reader_profiles.sql), checked here first so a person
// sees which field to fix instead of a constraint name.
export const PROFILE_LIMITS = { displayName: 80, avatarUrl: 500, bio: 2000, specialties: 12, specialty: 40 };

export function profileToInput(profile: ProfileChanges): ProfileInput {
  return {
    displayName: profile.display_name,
    avatarUrl: profile.avatar_url ?? '',
    bio: profile.bio,
    specialties: profile.specialties.join(', '),
  };
}

/** Splits "Love, career ,, Love" into ['Love', 'career']: trimmed, no blanks, no repeats in any case. */
export function parseSpecialties(text: string): string[] {
  const seen = new Set<string>();
  return text
    .split(',')
    .map((part) => part.trim().replace(/\s+/g, ' '))
    .filter((part) => part !== '' && !seen.has(part.toLocaleLowerCase()) && seen.add(part.toLocaleLowerCase()));
}

function isHttpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** The changes to save, or what is wrong with each field. */
export function validateProfile(input: ProfileInput): { changes: ProfileChanges; errors: null } | { changes: null; errors: ProfileErrors } {
  const errors: ProfileErrors = {};
  const displayName = input.displayName.trim();
  const avatarUrl = input.avatarUrl.trim();
  const bio = input.bio.trim();
  const specialties = parseSpecialties(input.specialties);

  if (displayName === '') errors.displayName = 'Enter the name clients will see.';
  else if (displayName.length > PROFILE_LIMITS.displayName) errors.displayName = `Keep the name to ${PROFILE_LIMITS.displayName} characters.`;

  if (avatarUrl !== '' && !isHttpUrl(avatarUrl)) errors.avatarUrl = 'Enter a web address starting with https:// or http://, or leave it empty.';
  else if (avatarUrl.length > PROFILE_LIMITS.avatarUrl) errors.avatarUrl = `Keep the address to ${PROFILE_LIMITS.avatarUrl} characters.`;

  if (bio.length > PROFILE_LIMITS.bio) errors.bio = `Keep the introduction to ${PROFILE_LIMITS.bio} characters (now ${bio.length}).`;

  if (specialties.length > PROFILE_LIMITS.specialties) errors.specialties = `List at most ${PROFILE_LIMITS.specialties} specialties (now ${specialties.length}).`;
  else if (specialties.some((s) => s.length > PROFILE_LIMITS.specialty)) errors.specialties = `Keep each specialty to ${PROFILE_LIMITS.specialty} characters.`;

  if (Object.keys(errors).length > 0) return { changes: null, errors };
  return { changes: { display_name: displayName, avatar_url: avatarUrl === '' ? null : avatarUrl, bio, specialties }, errors: null };
}
