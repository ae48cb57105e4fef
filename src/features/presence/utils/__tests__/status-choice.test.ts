import { expect, test } from 'vitest';
import { CHOICE_DURATIONS, choiceExpiresAt, formatTimeLeft, STATUS_CHOICES } from '@/features/presence/utils/status-choice';

const serverNow = new Date('2026-11-25T12:00:00Z');

test('the choices, in the order the header offers them', () => {
  expect(STATUS_CHOICES.map(({ status, label }) => [status, label])).toEqual([
    ['available', 'Available'],
    ['busy', 'Busy'],
    ['away', 'Away'],
    ['offline', 'Appear offline'],
  ]);
});

test('a duration ends that long after the server\'s now; "until I change it" has no end', () => {
  expect(choiceExpiresAt(60, serverNow)).toBe('2026-11-25T13:00:00.000Z');
  expect(choiceExpiresAt(30, serverNow)).toBe('2026-11-25T12:30:00.000Z');
  expect(choiceExpiresAt(0, serverNow)).toBeNull();
  expect(CHOICE_DURATIONS[0]).toEqual({ minutes: 0, label: 'Until I change it' });
});

test.each([
  ['2026-11-25T12:20:00Z', 'for 20 min more'],
  ['2026-11-25T13:00:00Z', 'for 1 h more'],
  ['2026-11-25T13:20:00Z', 'for 1 h 20 min more'],
  ['2026-11-25T12:00:20Z', 'for 1 min more'],
  // Already past on the server's clock (the next answer will say so): never "0 min" or negative.
  ['2026-11-25T11:59:00Z', 'for 1 min more'],
])('ending at %s reads "%s"', (expiresAt, text) => {
  expect(formatTimeLeft(expiresAt, serverNow)).toBe(text);
});
