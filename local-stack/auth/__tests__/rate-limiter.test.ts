import { expect, test } from 'vitest';
import { SignInRateLimiter } from '../rate-limiter.ts';

test('allows the limit per address in five minutes, then refuses with 429 until the window moves on', () => {
  let now = 0;
  const limiter = new SignInRateLimiter(2, () => now);
  limiter.take('10.0.0.1');
  limiter.take('10.0.0.1');
  expect(() => limiter.take('10.0.0.1')).toThrow(expect.objectContaining({ status: 429, code: 'over_request_rate_limit' }));
  limiter.take('10.0.0.2');
  now = 5 * 60 * 1000 - 1;
  expect(() => limiter.take('10.0.0.1')).toThrow();
  now = 5 * 60 * 1000;
  expect(() => limiter.take('10.0.0.1')).not.toThrow();
});
