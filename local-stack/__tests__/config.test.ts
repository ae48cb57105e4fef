import { describe, expect, test } from 'vitest';
import { configFromEnv } from '../config.ts';
import { StackError } from '../errors.ts';

const OTHER_SECRET = 'another-secret-that-is-at-least-32-chars';
// The keys this stack once hard-coded: they are public, so no stack may accept them.
const OLD_PUBLISHABLE_KEY = 'sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH';
const OLD_SECRET_KEY = 'sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz';

describe('opaque API keys', () => {
  test("have the shape of Supabase's publishable and secret keys", () => {
    const config = configFromEnv({});
    expect(config.publishableKey).toMatch(/^sb_publishable_[A-Za-z0-9_-]{22}_[A-Za-z0-9_-]{8}$/);
    expect(config.secretKey).toMatch(/^sb_secret_[A-Za-z0-9_-]{22}_[A-Za-z0-9_-]{8}$/);
  });

  test('are derived from the JWT secret, never the old fixed ones', () => {
    const byDefault = configFromEnv({});
    const other = configFromEnv({ JWT_SECRET: OTHER_SECRET });
    expect(configFromEnv({})).toMatchObject({ publishableKey: byDefault.publishableKey, secretKey: byDefault.secretKey });
    expect(other.publishableKey).not.toBe(byDefault.publishableKey);
    expect(other.secretKey).not.toBe(byDefault.secretKey);
    for (const config of [byDefault, other]) {
      expect(config.publishableKey).not.toBe(OLD_PUBLISHABLE_KEY);
      expect(config.secretKey).not.toBe(OLD_SECRET_KEY);
    }
  });

  test('can be given in the environment', () => {
    const publishableKey = 'sb_publishable_0123456789abcdefghijkl_ABCDEFGH';
    const secretKey = 'sb_secret_0123456789abcdefghijkl_ABCDEFGH';
    expect(configFromEnv({ PUBLISHABLE_KEY: publishableKey, SECRET_KEY: secretKey })).toMatchObject({ publishableKey, secretKey });
  });

  test.each([
    ['PUBLISHABLE_KEY', 'sb_secret_0123456789abcdefghijkl_ABCDEFGH'],
    ['PUBLISHABLE_KEY', 'sb_publishable_short'],
    ['SECRET_KEY', 'sb_publishable_0123456789abcdefghijkl_ABCDEFGH'],
    ['SECRET_KEY', 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.e30.sig'],
    ['SECRET_KEY', 'sb_secret_0123456789abcdef ghijkl_ABCDEFGH'],
    ['SECRET_KEY', `sb_secret_${'a'.repeat(300)}`],
  ])('%s=%s is refused with a StackError', (name, value) => {
    expect(() => configFromEnv({ [name]: value })).toThrow(StackError);
    expect(() => configFromEnv({ [name]: value })).toThrow(name);
  });
});

describe('STACK_MAX_BODY_BYTES', () => {
  test('defaults to 1 MiB', () => {
    expect(configFromEnv({}).maxBodyBytes).toBe(1_048_576);
    expect(configFromEnv({ STACK_MAX_BODY_BYTES: '' }).maxBodyBytes).toBe(1_048_576);
  });

  test('takes a whole number of bytes', () => {
    expect(configFromEnv({ STACK_MAX_BODY_BYTES: '5242880' }).maxBodyBytes).toBe(5_242_880);
  });

  test.each(['0', '-1', '1.5', '1e6', '1MB', 'lots', ' 1024', '99999999999999999999'])('refuses %j with a StackError', (value) => {
    expect(() => configFromEnv({ STACK_MAX_BODY_BYTES: value })).toThrow(StackError);
    expect(() => configFromEnv({ STACK_MAX_BODY_BYTES: value })).toThrow('STACK_MAX_BODY_BYTES');
  });
});
