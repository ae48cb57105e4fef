import { expect, test } from 'vitest';
import { RateLimiter } from '../rate-limiter.ts';

test('allows the limit per address in five minutes, then refuses with 429 until the window moves on', () => {
  let now = 0;
  const limiter = new RateLimiter(2, () => now);
  limiter.take('10.0.0.1');
  limiter.take('10.0.0.1');
  expect(() => limiter.take('10.0.0.1')).toThrow(expect.objectContaining({ status: 429, code: 'over_request_rate_limit' }));
  limiter.take('10.0.0.2');
  now = 5 * 60 * 1000 - 1;
  expect(() => limiter.take('10.0.0.1')).toThrow();
  now = 5 * 60 * 1000;
  expect(() => limiter.take('10.0.0.1')).not.toThrow();
});

test('forgets an address once its window is empty, so many one-off callers do not pile up', () => {
  let now = 0;
  const limiter = new RateLimiter(5, () => now);
  for (let i = 0; i < 1000; i += 1) limiter.take(`10.0.${i >> 8}.${i & 255}`);
  now = 5 * 60 * 1000 - 1;
  limiter.take('10.9.9.9');
  expect(limiter.trackedAddresses).toBe(1001);
  now = 5 * 60 * 1000;
  limiter.take('10.9.9.8');
  expect(limiter.trackedAddresses).toBe(2);
  now = 10 * 60 * 1000;
  limiter.take('10.9.9.8');
  expect(limiter.trackedAddresses).toBe(1);
});
