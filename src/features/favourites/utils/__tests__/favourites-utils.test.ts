import { describe, expect, test } from 'vitest';
import { favouriteError } from '@/features/favourites/api/favourite-error';
import { parseAvailabilityPush } from '@/features/favourites/api/availability-push';
import type { AvailabilityNotification } from '@/features/favourites/api/fetch-availability-notifications';
import { Arrivals } from '@/features/favourites/utils/arrivals';
import { restoreFavourite, withFavourite, withNotify, withoutFavourite } from '@/features/favourites/utils/favourite-list';
import { formatAvailableAt, notificationText } from '@/features/favourites/utils/format-notification';

const LUNA = '11111111-1111-4111-8111-111111111111';
const note = (id: number, readAt: string | null = null): AvailabilityNotification => ({
  id,
  readerId: LUNA,
  displayName: 'Luna Starweaver',
  availableAt: '2026-11-25T21:04:00Z',
  readAt,
});

describe('parseAvailabilityPush', () => {
  const valid = { id: 7, reader_id: LUNA.toUpperCase(), display_name: 'Luna Starweaver', available_at: '2026-11-25T21:04:00.123+00:00' };

  test('keeps the known fields of a well-formed push', () => {
    expect(parseAvailabilityPush({ ...valid, extra: 'dropped' })).toEqual({
      id: 7,
      readerId: LUNA,
      displayName: 'Luna Starweaver',
      availableAt: '2026-11-25T21:04:00.123+00:00',
      readAt: null,
    });
  });

  test.each([
    ['not an object', 'hello'],
    ['an array', [valid]],
    ['a fractional id', { ...valid, id: 1.5 }],
    ['an id as text', { ...valid, id: '7' }],
    ['a malformed reader id', { ...valid, reader_id: 'luna' }],
    ['a blank name', { ...valid, display_name: '  ' }],
    ['a huge name', { ...valid, display_name: 'x'.repeat(501) }],
    ['a malformed time', { ...valid, available_at: 'yesterday' }],
  ])('drops %s', (_, payload) => {
    expect(parseAvailabilityPush(payload)).toBeNull();
  });
});

describe('Arrivals', () => {
  test('the first list is what happened while away: listed, not announced', () => {
    const arrivals = new Arrivals();
    expect(arrivals.listed([note(2), note(1)])).toEqual([]);
    expect(arrivals.listed([note(3), note(2), note(1)])).toEqual([note(3)]);
  });

  test('a notification that came by push and then by poll is announced once', () => {
    const arrivals = new Arrivals();
    arrivals.listed([]);
    expect(arrivals.pushed(note(4))).toBe(true);
    expect(arrivals.pushed(note(4))).toBe(false);
    expect(arrivals.listed([note(4)])).toEqual([]);
  });

  test('a push before the first list is announced, and the first list does not repeat it', () => {
    const arrivals = new Arrivals();
    expect(arrivals.pushed(note(5))).toBe(true);
    expect(arrivals.listed([note(5)])).toEqual([]);
  });

  test('a new one already read (in another tab) is not announced', () => {
    const arrivals = new Arrivals();
    arrivals.listed([]);
    expect(arrivals.listed([note(6, '2026-11-25T21:05:00Z')])).toEqual([]);
  });
});

describe('notification text', () => {
  const options = { locale: 'en-GB', timeZone: 'Europe/London' };

  test('says the time alone for today, in the local time zone', () => {
    expect(notificationText(note(1), { ...options, now: new Date('2026-11-25T23:00:00Z') })).toBe('Luna Starweaver was available at 21:04');
    expect(formatAvailableAt('2026-11-25T21:04:00Z', { now: new Date('2026-11-25T23:00:00Z'), locale: 'en-GB', timeZone: 'Asia/Tokyo' })).toBe('at 06:04');
  });

  test('names the day for an earlier one', () => {
    expect(notificationText(note(1), { ...options, now: new Date('2026-11-27T09:00:00Z') })).toBe('Luna Starweaver was available on 25 Nov at 21:04');
  });
});

describe('favourite list changes', () => {
  const old = { readerId: 'a', notify: false, createdAt: '2026-11-01T00:00:00Z' };

  test('adds a star first, once', () => {
    const added = withFavourite([old], 'b', '2026-11-25T00:00:00Z');
    expect(added.map((f) => f.readerId)).toEqual(['b', 'a']);
    expect(withFavourite(added, 'b', '2026-11-26T00:00:00Z')).toEqual(added);
  });

  test('removes a star and changes notify', () => {
    expect(withoutFavourite([old], 'a')).toEqual([]);
    expect(withNotify([old], 'a', true)).toEqual([{ ...old, notify: true }]);
  });

  test('a failed change puts back only that reader, as it was', () => {
    const newer = { readerId: 'c', notify: false, createdAt: '2026-11-20T00:00:00Z' };
    expect(restoreFavourite([newer], [old], 'a')).toEqual([newer, old]);
    expect(restoreFavourite([{ ...old, notify: true }, newer], [old, newer], 'a')).toEqual([newer, old]);
    expect(restoreFavourite([old, { readerId: 'b', notify: false, createdAt: 'now' }], [old], 'b')).toEqual([old]);
  });
});

describe('favouriteError', () => {
  test('the limit says what the database says to do', () => {
    const error = favouriteError(400, {
      code: '23514',
      message: 'new row for relation "favourites" violates check constraint "favourites_per_client_limit"',
      details: 'A client keeps at most 100 favourites: remove one to add another.',
    });
    expect(error.message).toBe('A client keeps at most 100 favourites: remove one to add another.');
    expect(error.code).toBe('23514');
  });

  test('oneself, a non-reader and no session each get clear words', () => {
    expect(favouriteError(400, { code: '23514', message: 'violates check constraint "favourites_not_self"' }).message).toBe(
      'You cannot add yourself to your favourites.',
    );
    expect(favouriteError(400, { code: '22023', message: 'only readers can be favourites' }).message).toBe('Only readers can be favourites.');
    expect(favouriteError(401, { code: '42501', message: 'permission denied' }).message).toBe('Sign in to keep favourites.');
  });

  test('anything else is the usual ApiError', () => {
    expect(favouriteError(0, { message: 'TypeError: Failed to fetch' }).message).toMatch(/cannot be reached/);
  });
});
