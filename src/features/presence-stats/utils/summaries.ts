import { STATS_DAYS, type PresenceDay } from '@/features/presence-stats/api/fetch-presence-stats';
import { formatDay, formatMinutes } from '@/features/presence-stats/utils/format-stats';
import { presenceFigures } from '@/features/presence-stats/utils/presence-figures';

/** What the panel says when there is nothing to show yet. */
export const NO_PRESENCE_YET = `No presence recorded in the last ${STATS_DAYS} days yet; statistics are computed daily.`;

/** "Online on 2 of the last 30 days, 3 h 15 min in all; the most on Wed 25 Nov, with 2 h." */
export function summarizePresenceDays(days: readonly PresenceDay[]): string {
  if (days.length === 0) return NO_PRESENCE_YET;
  const { daysOnline, onlineMinutes } = presenceFigures(days);
  const most = days.reduce((best, day) =>
    day.onlineMinutes > best.onlineMinutes || (day.onlineMinutes === best.onlineMinutes && day.day > best.day) ? day : best,
  );
  const onDays = `Online on ${daysOnline} of the last ${STATS_DAYS} days`;
  if (daysOnline === 1) return `${onDays}: ${formatMinutes(onlineMinutes)} on ${formatDay(most.day)}.`;
  return `${onDays}, ${formatMinutes(onlineMinutes)} in all; the most on ${formatDay(most.day)}, with ${formatMinutes(most.onlineMinutes)}.`;
}
