import { describe, expect, test } from 'vitest';
import { formatNextWindow } from '@/lib/format-next-window';

const at = (iso: string) => new Date(iso);
const words = (startsAt: string, endsAt: string, now: string, timeZone: string) => formatNextWindow(startsAt, endsAt, at(now), timeZone, 'en-GB');

describe('formatNextWindow', () => {
  test('a window in progress says until when, in the viewer’s zone', () => {
    expect(words('2026-11-25T18:00:00Z', '2026-11-25T22:00:00Z', '2026-11-25T19:00:00Z', 'Europe/London')).toBe('Usually available now until 22:00');
    expect(words('2026-11-25T18:00:00Z', '2026-11-25T22:00:00Z', '2026-11-25T19:00:00Z', 'America/New_York')).toBe('Usually available now until 17:00');
  });

  test('a window starting later on the viewer’s calendar day gives both times', () => {
    expect(words('2026-11-25T18:00:00Z', '2026-11-25T22:00:00Z', '2026-11-25T12:00:00Z', 'Europe/London')).toBe('Usually available today 18:00–22:00');
  });

  test('a window on another day gives its weekday and start', () => {
    expect(words('2026-12-01T18:00:00Z', '2026-12-01T22:00:00Z', '2026-11-25T12:00:00Z', 'Europe/London')).toBe('Next available Tue 18:00');
  });

  test('a window a week or more away also gives its date, so the weekday is not read as the coming one', () => {
    expect(words('2026-12-08T18:00:00Z', '2026-12-08T22:00:00Z', '2026-11-25T12:00:00Z', 'Europe/London')).toBe('Next available Tue 8 Dec 18:00');
  });

  test('"today" is the viewer’s calendar day: the same instants are tomorrow in Sydney', () => {
    // 12:00Z is 23:00 in Sydney; 18:00Z is 05:00 there the next day.
    expect(words('2026-11-25T18:00:00Z', '2026-11-25T22:00:00Z', '2026-11-25T12:00:00Z', 'Australia/Sydney')).toBe('Next available Thu 05:00');
  });

  test('nothing is shown without a window, or for a window that has ended and the database has not moved on from yet', () => {
    expect(formatNextWindow(null, null, at('2026-11-25T12:00:00Z'), 'Europe/London')).toBeNull();
    expect(words('2026-11-25T08:00:00Z', '2026-11-25T12:00:00Z', '2026-11-25T12:00:00Z', 'Europe/London')).toBeNull();
  });

  test('a London client sees a New York reader’s 18:00-22:00 an hour later once New York has changed its clocks and London has not', () => {
    // Before 8 March 2026 New York is UTC-5: 18:00 EST is 23:00Z. From then to 29 March it is UTC-4 and London still UTC+0.
    expect(words('2026-03-02T23:00:00Z', '2026-03-03T03:00:00Z', '2026-03-02T12:00:00Z', 'Europe/London')).toBe('Usually available today 23:00–03:00');
    expect(words('2026-03-09T22:00:00Z', '2026-03-10T02:00:00Z', '2026-03-09T12:00:00Z', 'Europe/London')).toBe('Usually available today 22:00–02:00');
    // After 29 March London is UTC+1 as well: the usual 23:00 again.
    expect(words('2026-03-30T22:00:00Z', '2026-03-31T02:00:00Z', '2026-03-30T12:00:00Z', 'Europe/London')).toBe('Usually available today 23:00–03:00');
  });

  test('on the night London springs forward, a window after the change is in summer time', () => {
    // 29 March 2026: 01:00 GMT becomes 02:00 BST. The server's now is 00:30 GMT that Sunday.
    expect(words('2026-03-29T17:00:00Z', '2026-03-29T21:00:00Z', '2026-03-29T00:30:00Z', 'Europe/London')).toBe('Usually available today 18:00–22:00');
    expect(words('2026-03-29T09:00:00Z', '2026-03-29T11:00:00Z', '2026-03-28T20:00:00Z', 'Europe/London')).toBe('Next available Sun 10:00');
  });

  test('in New York, the Sunday clocks go forward starts the day in standard time and ends it in daylight time', () => {
    // 8 March 2026 07:00Z: 02:00 EST becomes 03:00 EDT. 01:00 EST is the same calendar day as 09:00 EDT.
    expect(words('2026-03-08T13:00:00Z', '2026-03-08T17:00:00Z', '2026-03-08T06:00:00Z', 'America/New_York')).toBe('Usually available today 09:00–13:00');
    expect(words('2026-03-08T13:00:00Z', '2026-03-08T17:00:00Z', '2026-03-08T04:30:00Z', 'America/New_York')).toBe('Next available Sun 09:00');
  });

  test('in Sydney, on the night clocks go back, the hour after midnight is still “today” only after local midnight', () => {
    // 5 April 2026 03:00 AEDT becomes 02:00 AEST (16:00Z on the 4th). 13:10Z on the 4th is 00:10 AEDT on Sunday the 5th.
    expect(words('2026-04-04T22:00:00Z', '2026-04-05T02:00:00Z', '2026-04-04T13:10:00Z', 'Australia/Sydney')).toBe('Usually available today 08:00–12:00');
    // An hour earlier it is still Saturday there, so the same window is Sunday's.
    expect(words('2026-04-04T22:00:00Z', '2026-04-05T02:00:00Z', '2026-04-04T12:00:00Z', 'Australia/Sydney')).toBe('Next available Sun 08:00');
    // The repeated 02:00-03:00: a window from 15:30Z to 16:30Z is 02:30 AEDT to 02:30 AEST.
    expect(words('2026-04-04T15:30:00Z', '2026-04-04T16:30:00Z', '2026-04-04T15:45:00Z', 'Australia/Sydney')).toBe('Usually available now until 02:30');
  });

  test('the decision uses the server’s clock it is given, never the browser’s', () => {
    // The browser's clock is whatever the test machine says; only serverNow moves the words.
    expect(words('2026-11-25T18:00:00Z', '2026-11-25T22:00:00Z', '2026-11-25T18:30:00Z', 'UTC')).toBe('Usually available now until 22:00');
    expect(words('2026-11-25T18:00:00Z', '2026-11-25T22:00:00Z', '2026-11-25T17:30:00Z', 'UTC')).toBe('Usually available today 18:00–22:00');
  });
});
