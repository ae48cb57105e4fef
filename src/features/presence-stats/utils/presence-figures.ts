import type { ChartData } from '@/components/charts/chart-data';
import { formatCount } from '@/lib/format-number';
import { STATS_DAYS, type PresenceDay } from '@/features/presence-stats/api/fetch-presence-stats';
import { addDays, dayStart, formatHour } from '@/features/presence-stats/utils/format-stats';

/** What the panel's figures say about the days of the period. */
export interface PresenceFigures {
  daysOnline: number;
  onlineMinutes: number;
  sessions: number;
  /** The longest session of the period and the day it was on; null without any. */
  longestSession: { minutes: number; day: string } | null;
  /** The hour that was the day's busiest most often, on how many days; null without any. */
  commonPeakHour: { hour: number; days: number } | null;
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

/**
 * Totals over the days, the longest session (the latest of equals), and the most common peak hour:
 * ties go to the hour with more minutes online on its days, then to the earlier hour.
 */
export function presenceFigures(days: readonly PresenceDay[]): PresenceFigures {
  let longestSession: PresenceFigures['longestSession'] = null;
  const peaks = new Map<number, { days: number; minutes: number }>();
  for (const day of days) {
    if (
      day.longestSessionMinutes > 0 &&
      (longestSession === null ||
        day.longestSessionMinutes > longestSession.minutes ||
        (day.longestSessionMinutes === longestSession.minutes && day.day > longestSession.day))
    ) {
      longestSession = { minutes: day.longestSessionMinutes, day: day.day };
    }
    if (day.peakHour !== null) {
      const peak = peaks.get(day.peakHour) ?? { days: 0, minutes: 0 };
      peaks.set(day.peakHour, { days: peak.days + 1, minutes: peak.minutes + day.onlineMinutes });
    }
  }
  const [common] = [...peaks.entries()].sort(([hourA, a], [hourB, b]) => b.days - a.days || b.minutes - a.minutes || hourA - hourB);
  return {
    daysOnline: days.length,
    onlineMinutes: Math.round(sum(days.map((day) => day.onlineMinutes)) * 10) / 10,
    sessions: sum(days.map((day) => day.sessions)),
    longestSession,
    commonPeakHour: common ? { hour: common[0], days: common[1].days } : null,
  };
}

/**
 * The last day of the period: today (UTC) by the browser's clock, or the newest day the database
 * sent if that is later (a browser clock that is behind), so that no day it sent falls outside.
 */
export function periodEnd(days: readonly PresenceDay[], today: string): string {
  return days.reduce((latest, day) => (day.day > latest ? day.day : latest), today);
}

/** Online minutes on every day of the period, oldest first: 0 on a day without presence. */
export function onlineMinutesChartData(days: readonly PresenceDay[], lastDay: string): ChartData {
  const minutes = new Map(days.map((day) => [day.day, day.onlineMinutes]));
  const period = Array.from({ length: STATS_DAYS }, (_, i) => addDays(lastDay, i - STATS_DAYS + 1));
  return {
    x: period.map(dayStart),
    series: [{ key: 'online-minutes', label: 'Online (minutes)', values: period.map((day) => minutes.get(day) ?? 0) }],
  };
}

/** The table view: each day with presence, oldest first, with its sessions, longest session and peak hour. */
export function presenceDaysTableData(days: readonly PresenceDay[]): ChartData {
  const sorted = [...days].sort((a, b) => a.day.localeCompare(b.day));
  return {
    x: sorted.map((day) => dayStart(day.day)),
    series: [
      { key: 'online-minutes', label: 'Online (minutes)', values: sorted.map((day) => day.onlineMinutes), format: formatCount },
      { key: 'sessions', label: 'Sessions', values: sorted.map((day) => day.sessions), format: formatCount },
      { key: 'longest-session', label: 'Longest session (minutes)', values: sorted.map((day) => day.longestSessionMinutes), format: formatCount },
      { key: 'peak-hour', label: 'Peak hour', values: sorted.map((day) => day.peakHour), format: formatHour },
    ],
  };
}
