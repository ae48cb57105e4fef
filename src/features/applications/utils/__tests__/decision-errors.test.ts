import { describe, expect, test } from 'vitest';
import { decisionFailure, reasonProblem } from '@/features/applications/utils/decision-errors';
import { apiError } from '@/lib/api-error';

describe('reasonProblem', () => {
  test('a reason is needed, something visible on one line', () => {
    expect(reasonProblem('   ')).toBe('Give the applicant a reason: they read it on their profile.');
    expect(reasonProblem('\u200b\u00a0')).toBe('Give the applicant a reason: they read it on their profile.');
    expect(reasonProblem('Add a photo.\nThen apply again.')).toBe('Write the reason on one line, without special characters.');
    expect(reasonProblem('Add a photo.\u2028')).toBeNull(); // trimmed away at the end…
    expect(reasonProblem('Add\u2028a photo.')).toBe('Write the reason on one line, without special characters.'); // …but not inside
    expect(reasonProblem('  Add a photo.  ')).toBeNull();
  });

  test('500 characters at most, counted as the database counts them (code points), after trimming', () => {
    expect(reasonProblem(`${'🌙'.repeat(500)}  `)).toBeNull();
    expect(reasonProblem('🌙'.repeat(501))).toBe('Keep the reason to 500 characters (now 501).');
  });
});

describe('decisionFailure', () => {
  test("the reason's rules are for the reason field", () => {
    const missing = apiError(400, {
      code: '23514',
      message: 'new row for relation "reader_applications" violates check constraint "reader_applications_rejection_reason"',
    });
    expect(decisionFailure(missing)).toEqual({ field: 'reason', message: 'Give the applicant a reason: they read it on their profile.' });
    const plain = apiError(400, { code: '23514', message: 'value for domain decision_reason violates check constraint "reader_applications_reason_plain"' });
    expect(decisionFailure(plain).field).toBe('reason');
  });

  test("the function's own refusals are passed on as sentences", () => {
    expect(decisionFailure(apiError(403, { code: '42501', message: 'nobody decides their own application: ask another admin' }))).toEqual({
      field: null,
      message: 'Nobody decides their own application: ask another admin.',
    });
    expect(decisionFailure(apiError(409, { code: '23505', message: 'another listed reader has this name: ask the applicant to choose another' })).message).toBe(
      'Another listed reader has this name: ask the applicant to choose another.',
    );
    expect(decisionFailure(apiError(400, { code: '22023', message: 'this application is already decided' })).message).toBe(
      'This application is already decided.',
    );
  });

  test('everything else in plain words', () => {
    expect(decisionFailure(apiError(404, { code: 'P0002', message: 'no application from 7777' })).message).toBe(
      'This application no longer exists: the applicant may have closed their account.',
    );
    expect(decisionFailure(apiError(401, { code: '42501', message: 'permission denied for function decide_reader_application' })).message).toBe(
      'Your session has ended. Sign in again.',
    );
    expect(decisionFailure(apiError(0, { message: 'TypeError: Failed to fetch' })).message).toBe(
      'The server cannot be reached. Check your connection and try again.',
    );
    expect(decisionFailure(new Error('boom'))).toEqual({ field: null, message: 'The decision was not saved. Please try again.' });
  });
});
