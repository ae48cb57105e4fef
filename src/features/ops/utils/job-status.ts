import { formatCount } from '@/lib/format-number';
import type { MaintenanceJob } from '@/features/ops/api/fetch-maintenance-jobs';

export type JobOutcome = 'never' | 'failed' | 'succeeded';

export function jobOutcome(job: MaintenanceJob): JobOutcome {
  if (job.lastStartedAt === null) return 'never';
  return job.lastError === null ? 'succeeded' : 'failed';
}

/** The last run's result in words: "Succeeded, 3 rows changed", "Failed: 57014 canceling statement…", "Never ran". */
export function jobResultText(job: MaintenanceJob): string {
  switch (jobOutcome(job)) {
    case 'never':
      return 'Never ran';
    case 'failed':
      return `Failed: ${job.lastError}`;
    case 'succeeded':
      return job.lastRowsChanged === null
        ? 'Succeeded'
        : `Succeeded, ${formatCount(job.lastRowsChanged)} ${job.lastRowsChanged === 1 ? 'row' : 'rows'} changed`;
  }
}

/** "1,440 runs, 2 failed" over the last day. */
export function jobDayText(job: MaintenanceJob): string {
  const runs = `${formatCount(job.runs24h)} ${job.runs24h === 1 ? 'run' : 'runs'}`;
  return job.failures24h === 0 ? `${runs}, none failed` : `${runs}, ${formatCount(job.failures24h)} failed`;
}
