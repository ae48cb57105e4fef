import { describe, expect, test } from 'vitest';
import { ServerClock } from '@/lib/server-clock';
import { derivePresence, ONLINE_THRESHOLD_MINUTES } from '../derive-presence';

const serverNow = new Date('2026-11-25T12:00:00.000Z');
const secondsBefore = (seconds: number) => new Date(serverNow.getTime() - seconds * 1000).toISOString();

describe('derivePresence', () => {
  test('the threshold is five minutes, as in the database', () => {
    expect(ONLINE_THRESHOLD_MINUTES).toBe(5);
  });

  test('online when flagged and seen within five minutes, up to the edge itself', () => {
    expect(derivePresence({ is_online: true, last_seen_at: secondsBefore(10) }, serverNow).isOnline).toBe(true);
    expect(derivePresence({ is_online: true, last_seen_at: secondsBefore(299) }, serverNow).isOnline).toBe(true);
    expect(derivePresence({ is_online: true, last_seen_at: secondsBefore(300) }, serverNow).isOnline).toBe(true);
  });

  test('offline one moment past five minutes, even if still flagged online', () => {
    expect(derivePresence({ is_online: true, last_seen_at: secondsBefore(300.001) }, serverNow).isOnline).toBe(false);
    expect(derivePresence({ is_online: true, last_seen_at: secondsBefore(3600) }, serverNow).isOnline).toBe(false);
  });

  test('offline when not flagged, however recent, and when never seen', () => {
    expect(derivePresence({ is_online: false, last_seen_at: secondsBefore(1) }, serverNow).isOnline).toBe(false);
    expect(derivePresence({ is_online: true, last_seen_at: null }, serverNow)).toEqual({ isOnline: false, lastSeenAt: null });
  });

  test('keeps the last-seen time for "last seen ..." text', () => {
    expect(derivePresence({ is_online: false, last_seen_at: secondsBefore(720) }, serverNow).lastSeenAt).toEqual(new Date(secondsBefore(720)));
  });
});

describe('with the server clock', () => {
  test('a client clock three hours fast, corrected by the offset the server reported, gives the server\'s time', () => {
    const clock = new ServerClock(() => serverNow.getTime() + 3 * 3_600_000);
    clock.observe(serverNow);
    expect(clock.now()).toEqual(serverNow);
    expect(derivePresence({ is_online: true, last_seen_at: secondsBefore(60) }, clock.now()).isOnline).toBe(true);
  });
});
