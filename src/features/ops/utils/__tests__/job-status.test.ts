import { describe, expect, test } from 'vitest';
import type { MaintenanceJob } from '@/features/ops/api/fetch-maintenance-jobs';
import { ruleName } from '@/features/ops/utils/alerts';
import { jobDayText, jobOutcome, jobResultText } from '@/features/ops/utils/job-status';

const job = (fields: Partial<MaintenanceJob> = {}): MaintenanceJob => ({
  jobName: 'mark-inactive-readers-offline',
  schedule: '* * * * *',
  lastStartedAt: '2026-11-25T14:02:00Z',
  lastDurationMs: 3.2,
  lastRowsChanged: 3,
  lastError: null,
  runs24h: 1440,
  failures24h: 0,
  ...fields,
});

describe('a job in words', () => {
  test('its last result', () => {
    expect(jobResultText(job())).toBe('Succeeded, 3 rows changed');
    expect(jobResultText(job({ lastRowsChanged: 1 }))).toBe('Succeeded, 1 row changed');
    expect(jobResultText(job({ lastRowsChanged: null }))).toBe('Succeeded');
    expect(jobResultText(job({ lastError: '57014: canceling statement due to statement timeout' }))).toBe(
      'Failed: 57014: canceling statement due to statement timeout',
    );
    expect(jobResultText(job({ lastStartedAt: null, lastDurationMs: null, lastRowsChanged: null }))).toBe('Never ran');
    expect(jobOutcome(job({ lastError: 'boom' }))).toBe('failed');
  });

  test('its day', () => {
    expect(jobDayText(job())).toBe('1,440 runs, none failed');
    expect(jobDayText(job({ runs24h: 1, failures24h: 1 }))).toBe('1 run, 1 failed');
  });
});

describe('ruleName', () => {
  test('words a rule name', () => {
    expect(ruleName('presence_down')).toBe('Presence down');
    expect(ruleName('cleanup_not_running')).toBe('Cleanup not running');
  });
});
