import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export type JwtClaims = Record<string, unknown>;

const HEADER = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

function base64url(text: string | Buffer): string {
  return Buffer.from(text).toString('base64url');
}

function signature(signingInput: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(signingInput).digest();
}

/** HS256 token whose bytes match Supabase's own for the same claims (header `{alg, typ}` first). */
export function signJwt(claims: JwtClaims, secret: string): string {
  const signingInput = `${HEADER}.${base64url(JSON.stringify(claims))}`;
  return `${signingInput}.${signature(signingInput, secret).toString('base64url')}`;
}

export type JwtVerification = { ok: true; claims: JwtClaims } | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' };

export function verifyJwt(token: string, secret: string, nowSeconds = Date.now() / 1000): JwtVerification {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'malformed' };
  const [header, payload, sig] = parts as [string, string, string];
  let claims: JwtClaims;
  try {
    const decodedHeader = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: unknown };
    if (decodedHeader.alg !== 'HS256') return { ok: false, reason: 'malformed' };
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as JwtClaims;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const expected = signature(`${header}.${payload}`, secret);
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'bad_signature' };
  }
  if (typeof claims.exp === 'number' && claims.exp <= nowSeconds) return { ok: false, reason: 'expired' };
  return { ok: true, claims };
}

/** The API keys `supabase start` derives from a JWT secret: long-lived role tokens. */
export function apiKeysFor(jwtSecret: string): { anonKey: string; serviceRoleKey: string } {
  const exp = 1983812996;
  return {
    anonKey: signJwt({ iss: 'supabase-demo', role: 'anon', exp }, jwtSecret),
    serviceRoleKey: signJwt({ iss: 'supabase-demo', role: 'service_role', exp }, jwtSecret),
  };
}

export const PUBLISHABLE_KEY_PREFIX = 'sb_publishable_';
export const SECRET_KEY_PREFIX = 'sb_secret_';

/**
 * An opaque key shaped like Supabase's (`sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH`: prefix, 22
 * characters, `_`, an 8-character checksum), derived from the JWT secret so that it changes with it.
 */
function opaqueKey(prefix: string, jwtSecret: string): string {
  const body = createHmac('sha256', jwtSecret).update(prefix.slice(0, -1)).digest('base64url').slice(0, 22);
  const checksum = createHash('sha256').update(`${prefix}${body}`).digest('base64url').slice(0, 8);
  return `${prefix}${body}_${checksum}`;
}

/** The newer opaque keys the gateway maps to the anon and service_role JWTs. */
export function opaqueKeysFor(jwtSecret: string): { publishableKey: string; secretKey: string } {
  return { publishableKey: opaqueKey(PUBLISHABLE_KEY_PREFIX, jwtSecret), secretKey: opaqueKey(SECRET_KEY_PREFIX, jwtSecret) };
}
