import { expect, test } from 'vitest';
import { parseGoDuration } from '../go-duration.ts';

test.each([
  ['24h', 86_400],
  ['1h30m', 5_400],
  ['1.5h', 5_400],
  ['.5s', 0.5],
  ['5.s', 5],
  ['-1m', -60],
  ['+2s', 2],
  ['0', 0],
  ['-0', 0],
  ['100ms', 0.1],
  ['250us', 0.000_25],
  ['250µs', 0.000_25],
  ['250μs', 0.000_25],
  ['1h1m1s1ms', 3_661.001],
  ['2562047h', 2_562_047 * 3_600],
])('reads %s as Go does', (text, seconds) => {
  expect(parseGoDuration(text)).toBeCloseTo(seconds, 9);
});

test.each([
  ['', 'time: invalid duration ""'],
  ['-', 'time: invalid duration "-"'],
  ['h', 'time: invalid duration "h"'],
  ['.h', 'time: invalid duration ".h"'],
  ['1h-2m', 'time: unknown unit "h-" in duration "1h-2m"'],
  ['1', 'time: missing unit in duration "1"'],
  ['1d', 'time: unknown unit "d" in duration "1d"'],
  ['1 h', 'time: unknown unit " h" in duration "1 h"'],
  ['2562048h', 'time: invalid duration "2562048h"'],
  ['none', 'time: invalid duration "none"'],
])('refuses %j with the message Go gives', (text, message) => {
  expect(() => parseGoDuration(text)).toThrow(message);
});
