import { expect, test } from 'vitest';
import { specialtySearchPattern } from '@/features/readers/utils/specialty-search-pattern';

test('a blank search is no filter at all', () => {
  expect(specialtySearchPattern('')).toBeNull();
  expect(specialtySearchPattern('  \t ')).toBeNull();
});

test('matches the text anywhere, lower-cased (the searched field is lower-case) and trimmed', () => {
  expect(specialtySearchPattern('  Celtic Cross ')).toBe('%celtic cross%');
});

test('LIKE wildcards and the escape character the visitor types are matched literally', () => {
  expect(specialtySearchPattern('100%')).toBe('%100\\%%');
  expect(specialtySearchPattern('shadow_work')).toBe('%shadow\\_work%');
  expect(specialtySearchPattern('a\\b')).toBe('%a\\\\b%');
  expect(specialtySearchPattern('\\%')).toBe('%\\\\\\%%');
});

test('a typed * (a wildcard PostgREST cannot escape) matches any one character, never everything', () => {
  expect(specialtySearchPattern('*')).toBe('%_%');
  expect(specialtySearchPattern('5*')).toBe('%5_%');
  expect(specialtySearchPattern('\\*')).toBe('%\\\\_%');
});
