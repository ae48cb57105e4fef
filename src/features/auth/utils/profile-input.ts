import { violatedConstraint } from '@/lib/violated-constraint';
import type { ProfileChanges } from '@/features/auth/api/profile';

export interface ProfileInput {
  displayName: string;
  avatarUrl: string;
  bio: string;
  /** Comma-separated, as typed. */
  specialties: string;
}

export type ProfileErrors = Partial<Record<keyof ProfileInput, string>>;

// The database's own limits (20251201000200_profile_field_limits.sql), checked here first so a person
// sees which field to fix at once; tests/integration/app/profile-api.test.ts holds the two together.
export const PROFILE_LIMITS = { displayName: 80, avatarUrl: 500, bio: 2000, specialties: 12, specialty: 40 };

const CONTROL_CHARACTER = /\p{Cc}/u;

/** Characters as PostgreSQL's char_length counts them: code points, not UTF-16 units. */
const charCount = (text: string) => [...text].length;

const MESSAGES = {
  nameMissing: 'Enter the name clients will see.',
  nameTooLong: `Keep the name to ${PROFILE_LIMITS.displayName} characters.`,
  namePlain: 'Enter the name on one line, without special characters.',
  avatarNotHttps: 'Enter a web address starting with https://, or leave it empty.',
  avatarTooLong: `Keep the address to ${PROFILE_LIMITS.avatarUrl} characters.`,
  bioTooLong: (length?: number) => `Keep the introduction to ${PROFILE_LIMITS.bio} characters${length ? ` (now ${length})` : ''}.`,
  tooManySpecialties: (count?: number) => `List at most ${PROFILE_LIMITS.specialties} specialties${count ? ` (now ${count})` : ''}.`,
  specialtyFormat: `Keep each specialty to ${PROFILE_LIMITS.specialty} characters, without special characters.`,
  nameTaken: 'Another reader already uses this name.',
};

/** The field and the advice for each constraint of the database's profile limits, and for listed readers' unique names. */
const CONSTRAINT_ERRORS: Record<string, { field: keyof ProfileInput; message: string }> = {
  users_display_name_length: { field: 'displayName', message: MESSAGES.nameTooLong },
  users_display_name_plain: { field: 'displayName', message: MESSAGES.namePlain },
  users_avatar_url_https: { field: 'avatarUrl', message: MESSAGES.avatarNotHttps },
  users_avatar_url_length: { field: 'avatarUrl', message: MESSAGES.avatarTooLong },
  users_bio_length: { field: 'bio', message: MESSAGES.bioTooLong() },
  users_specialties_count: { field: 'specialties', message: MESSAGES.tooManySpecialties() },
  users_specialty_format: { field: 'specialties', message: MESSAGES.specialtyFormat },
  users_reader_display_name_key: { field: 'displayName', message: MESSAGES.nameTaken },
};

/**
 * The field error for a save the database refused with one of the profile limits or a listed
 * reader's name (PostgREST's 23514 and 23505 name the constraint), or null for any other failure.
 */
export function profileErrorsFromDatabase(error: unknown): ProfileErrors | null {
  const constraint = violatedConstraint(error);
  const known = constraint ? CONSTRAINT_ERRORS[constraint] : undefined;
  return known ? { [known.field]: known.message } : null;
}

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

function isHttpsUrl(value: string): boolean {
  try {
    return new URL(value).protocol === 'https:' && !/\s/.test(value);
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

  if (displayName === '') errors.displayName = MESSAGES.nameMissing;
  else if (charCount(displayName) > PROFILE_LIMITS.displayName) errors.displayName = MESSAGES.nameTooLong;
  else if (CONTROL_CHARACTER.test(displayName)) errors.displayName = MESSAGES.namePlain;

  if (avatarUrl !== '' && !isHttpsUrl(avatarUrl)) errors.avatarUrl = MESSAGES.avatarNotHttps;
  else if (charCount(avatarUrl) > PROFILE_LIMITS.avatarUrl) errors.avatarUrl = MESSAGES.avatarTooLong;

  if (charCount(bio) > PROFILE_LIMITS.bio) errors.bio = MESSAGES.bioTooLong(charCount(bio));

  if (specialties.length > PROFILE_LIMITS.specialties) errors.specialties = MESSAGES.tooManySpecialties(specialties.length);
  else if (specialties.some((s) => charCount(s) > PROFILE_LIMITS.specialty || CONTROL_CHARACTER.test(s))) errors.specialties = MESSAGES.specialtyFormat;

  if (Object.keys(errors).length > 0) return { changes: null, errors };
  return { changes: { display_name: displayName, avatar_url: avatarUrl === '' ? null : avatarUrl, bio, specialties }, errors: null };
}
