import bcrypt from 'bcryptjs';
import { AuthError, validationFailed } from './errors.ts';

/** Supabase Auth's bcrypt cost. */
const BCRYPT_COST = 10;
/** bcrypt reads only the first 72 bytes, so longer passwords are refused rather than silently cut. */
const MAX_PASSWORD_BYTES = 72;

export function checkPasswordStrength(password: string, minimumLength: number): void {
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) {
    throw validationFailed(`Password cannot be longer than ${MAX_PASSWORD_BYTES} characters`);
  }
  if ([...password].length < minimumLength) {
    throw new AuthError(422, 'weak_password', `Password should be at least ${minimumLength} characters.`, {
      extra: { weak_password: { reasons: ['length'] } },
    });
  }
}

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, BCRYPT_COST);
}

/** Verifies bcryptjs hashes and pgcrypto's `crypt(pw, gen_salt('bf'))` alike; anything else never matches. */
export async function passwordMatches(password: string, hash: string | null): Promise<boolean> {
  if (!hash) return false;
  try {
    return await bcrypt.compare(password, hash);
  } catch {
    return false;
  }
}
