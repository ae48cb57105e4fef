import { describe, expect, test } from 'vitest';
import { fetchObservingClock, ServerClock } from '../server-clock';

describe('ServerClock', () => {
  test('before any observation it is the client clock', () => {
    expect(new ServerClock(() => 1_000).now().getTime()).toBe(1_000);
  });

  test('a client three hours fast reads the server\'s time once the server has spoken', () => {
    let client = Date.parse('2026-11-25T15:00:00Z');
    const clock = new ServerClock(() => client);
    clock.observe(new Date('2026-11-25T12:00:00Z'));
    client += 30_000;
    expect(clock.now().toISOString()).toBe('2026-11-25T12:00:30.000Z');
  });

  test('ignores an unreadable time', () => {
    const clock = new ServerClock(() => 5_000);
    clock.observe(new Date('not a date'));
    expect(clock.now().getTime()).toBe(5_000);
  });
});

describe('fetchObservingClock', () => {
  test('reads the Date header of each response', async () => {
    const clock = new ServerClock(() => Date.parse('2030-01-01T00:00:00Z'));
    const fakeFetch: typeof fetch = async () => new Response('{}', { headers: { date: 'Wed, 25 Nov 2026 12:00:00 GMT' } });
    await fetchObservingClock(clock, fakeFetch)('http://api.test/rest/v1/users');
    expect(clock.now().toISOString()).toBe('2026-11-25T12:00:00.000Z');
  });
});

describe('ServerClock staleness', () => {
  test('is stale until the server tells the time, and again once that is too old', () => {
    let client = 0;
    const clock = new ServerClock(() => client);
    expect(clock.isStale(60_000)).toBe(true);

    clock.observe(new Date('2026-11-25T12:00:00Z'));
    client = 60_000;
    expect(clock.isStale(60_000)).toBe(false);
    client = 60_001;
    expect(clock.isStale(60_000)).toBe(true);
  });

  test('a client clock moved back a long way also counts as stale', () => {
    let client = 10_000_000;
    const clock = new ServerClock(() => client);
    clock.observe(new Date('2026-11-25T12:00:00Z'));
    client = 0;
    expect(clock.isStale(60_000)).toBe(true);
  });
});
