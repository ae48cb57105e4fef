import { describe, expect, test } from 'vitest';
import { DEFAULT_JWT_SECRET } from '../config.ts';
import { apiKeysFor, signJwt, verifyJwt } from '../jwt.ts';

describe('apiKeysFor', () => {
  test("derives the Supabase CLI's well-known local keys from its default secret", () => {
    expect(apiKeysFor(DEFAULT_JWT_SECRET)).toEqual({
      anonKey:
        'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0',
      serviceRoleKey:
        'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImV4cCI6MTk4MzgxMjk5Nn0.EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU',
    });
  });

  test('derives different keys from a different secret', () => {
    expect(apiKeysFor('another-secret-that-is-at-least-32-chars').anonKey).not.toBe(apiKeysFor(DEFAULT_JWT_SECRET).anonKey);
  });
});

describe('verifyJwt', () => {
  const secret = DEFAULT_JWT_SECRET;

  test('accepts a token it signed and returns its claims', () => {
    const token = signJwt({ sub: 'user-1', exp: 2_000 }, secret);
    expect(verifyJwt(token, secret, 1_000)).toEqual({ ok: true, claims: { sub: 'user-1', exp: 2_000 } });
  });

  test('refuses an expired token', () => {
    expect(verifyJwt(signJwt({ exp: 1_000 }, secret), secret, 1_000)).toEqual({ ok: false, reason: 'expired' });
  });

  test('refuses a token signed with another secret', () => {
    const token = signJwt({ sub: 'user-1' }, 'someone-elses-secret-of-at-least-32-chars');
    expect(verifyJwt(token, secret)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  test('refuses a token whose claims were edited after signing', () => {
    const [header, , signature] = signJwt({ role: 'authenticated' }, secret).split('.');
    const forged = `${header}.${Buffer.from(JSON.stringify({ role: 'service_role' })).toString('base64url')}.${signature}`;
    expect(verifyJwt(forged, secret)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  test('refuses garbage and the unsigned "none" algorithm', () => {
    expect(verifyJwt('not-a-jwt', secret)).toEqual({ ok: false, reason: 'malformed' });
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{}').toString('base64url')}.`;
    expect(verifyJwt(none, secret)).toEqual({ ok: false, reason: 'malformed' });
  });
});
