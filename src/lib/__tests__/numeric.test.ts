import { describe, expect, test } from 'vitest';
import { toCount, toInstant, toNumber } from '@/lib/numeric';

describe('toNumber', () => {
  test.each([
    [12, 12],
    [0.0099, 0.0099],
    ['12', 12],
    ['0.0099', 0.0099],
    ['9007199254740993', 9007199254740992],
  ])('reads %j as %j, whether PostgREST sent a number or a numeric string', (value, expected) => {
    expect(toNumber(value)).toBe(expected);
  });

  test.each([null, undefined, '', '  ', 'NaN', 'twelve', Number.NaN, Number.POSITIVE_INFINITY, {}, []])('reads %j as no number', (value) => {
    expect(toNumber(value)).toBeNull();
  });

  test('a missing count is none', () => {
    expect(toCount(null)).toBe(0);
    expect(toCount('7')).toBe(7);
  });
});

describe('toInstant', () => {
  test('reads a timestamptz as epoch milliseconds, and nothing else', () => {
    expect(toInstant('2026-11-25T12:00:00+00:00')).toBe(Date.UTC(2026, 10, 25, 12));
    expect(toInstant('not a time')).toBeNull();
    expect(toInstant(null)).toBeNull();
    expect(toInstant('')).toBeNull();
  });
});
