import { type ServerTime } from '@/lib/server-time';

/** Heartbeats that failed in a row, on the browser's clock (Date.now()). */
export interface Outage {
  failures: number;
  firstAt: number;
  lastAt: number;
}

/** What public.report_presence_failures() takes: times on the server's clock. */
export interface FailureReport {
  failures: number;
  firstFailedAt: string;
  lastFailedAt: string;
}

// The database's bounds (report_presence_failures): it refuses what lies outside them, so a report
// is fitted to them rather than lost.
const MOST_FAILURES = 10_000;
const OLDEST_MS = 23 * 3600_000;

export function addFailure(outage: Outage | undefined, at: number): Outage {
  return outage ? { failures: outage.failures + 1, firstAt: outage.firstAt, lastAt: Math.max(outage.lastAt, at) } : { failures: 1, firstAt: at, lastAt: at };
}

/** An outage whose report did not go through, with what failed since. */
export function mergeOutages(earlier: Outage, later: Outage | undefined): Outage {
  if (!later) return earlier;
  return { failures: earlier.failures + later.failures, firstAt: Math.min(earlier.firstAt, later.firstAt), lastAt: Math.max(earlier.lastAt, later.lastAt) };
}

/**
 * The report of an outage, its times moved onto the server's clock by the offset of its latest
 * answer (a browser clock minutes off would otherwise be refused as the future), at most 10,000
 * failures and none older than 23 hours.
 */
export function failureReport(outage: Outage, time: ServerTime): FailureReport {
  const onServerClock = (at: number) => time.at.getTime() + (at - time.receivedAt);
  const lastAt = Math.min(onServerClock(outage.lastAt), time.at.getTime());
  const firstAt = Math.min(Math.max(onServerClock(outage.firstAt), time.at.getTime() - OLDEST_MS), lastAt);
  return {
    failures: Math.min(outage.failures, MOST_FAILURES),
    firstFailedAt: new Date(firstAt).toISOString(),
    lastFailedAt: new Date(lastAt).toISOString(),
  };
}
