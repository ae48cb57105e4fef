import { randomBytes } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { AuthError, validationFailed } from './errors.ts';

/** Supabase Auth's bcrypt cost. */
const BCRYPT_COST = 10;
/** bcrypt reads only the first 72 bytes, so longer passwords are refused rather than silently cut. */
const MAX_PASSWORD_BYTES = 72;
const BCRYPT_HASH = /^\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}$/;

/** A hash this service can check a password against: bcrypt's, as bcryptjs and pgcrypto write them. */
export function isBcryptHash(hash: string): boolean {
  return BCRYPT_HASH.test(hash);
}

/** 400 `validation_failed` for a password bcrypt would cut short; checked at sign-in too, before any lookup. */
export function checkPasswordLength(password: string): void {
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) {
    throw validationFailed(`Password cannot be longer than ${MAX_PASSWORD_BYTES} characters`);
  }
}

/** What Supabase Auth says of a password under the minimum length, in the shape auth-js reads. */
export interface PasswordWeakness {
  message: string;
  reasons: string[];
}

export function passwordWeakness(password: string, minimumLength: number): PasswordWeakness | undefined {
  if ([...password].length >= minimumLength) return undefined;
  return { message: `Password should be at least ${minimumLength} characters.`, reasons: ['length'] };
}

/** The rules for a new password: at most 72 bytes (400), at least the minimum length (422 `weak_password`). */
export function checkPasswordStrength(password: string, minimumLength: number): void {
  checkPasswordLength(password);
  const weakness = passwordWeakness(password, minimumLength);
  if (weakness) throw new AuthError(422, 'weak_password', weakness.message, { extra: { weak_password: { reasons: weakness.reasons } } });
}

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, BCRYPT_COST);
}

let dummyHash: Promise<string> | undefined;

/**
 * Verifies bcryptjs hashes and pgcrypto's `crypt(pw, gen_salt('bf'))` alike. Always runs one bcrypt
 * comparison, against a hash of a random secret at the same cost when the account has no usable hash
 * (or does not exist), so the time taken does not tell whether an account exists.
 */
export async function passwordMatches(password: string, hash: string | null): Promise<boolean> {
  const usable = hash !== null && isBcryptHash(hash);
  const compared = usable ? hash : await (dummyHash ??= hashPassword(randomBytes(16).toString('hex')));
  const matches = await bcrypt.compare(password, compared).catch(() => false);
  return usable && matches;
}
