import { useId } from 'react';
import { ChartCard } from '@/components/charts/chart-card';
import { RetryButton, StatusMessage } from '@/components/ui/status-message';
import { ApiError } from '@/lib/api-error';
import type { AppSupabaseClient } from '@/lib/create-supabase-client';
import { formatCount } from '@/lib/format-number';
import { STATS_DAYS, type PresenceDay } from '@/features/presence-stats/api/fetch-presence-stats';
import { usePresenceStats } from '@/features/presence-stats/hooks/use-presence-stats';
import { DAY_AXIS, formatDay, formatHourRange, formatMinutes } from '@/features/presence-stats/utils/format-stats';
import { onlineMinutesChartData, periodEnd, presenceDaysTableData, presenceFigures } from '@/features/presence-stats/utils/presence-figures';
import { NO_PRESENCE_YET, summarizePresenceDays } from '@/features/presence-stats/utils/summaries';

interface PresenceStatsPanelProps {
  client: AppSupabaseClient;
  /** The signed-in person: a reader reading their own statistics, or an admin. */
  viewerId: string;
  /** An admin's choice of reader; the viewer's own statistics when left out. */
  reader?: { id: string; name: string };
  /** The panel's title level where it is placed (its chart's title is one below). */
  headingLevel?: 2 | 3;
  /** Today (YYYY-MM-DD, UTC), the period's last day; the browser's when the figures were read (tests pass one). */
  today?: string;
}

function Figure({ label, value, note }: { label: string; value: string; note?: string }) {
  return (
    <div className="rounded-lg border border-night-700 bg-night-900/60 px-4 py-3">
      <dt className="text-sm text-mist-300">{label}</dt>
      <dd className="mt-1 font-display text-xl text-mist-100 tabular-nums">{value}</dd>
      {note && <dd className="text-xs text-mist-500">{note}</dd>}
    </div>
  );
}

const plural = (count: number, one: string, many: string) => `${formatCount(count)} ${count === 1 ? one : many}`;

function peakWords(peakDays: number, daysOnline: number): string {
  if (daysOnline === 1) return 'the busiest hour of that day';
  if (peakDays === daysOnline) return `the busiest hour on all ${daysOnline} days`;
  return `the day's busiest hour on ${peakDays} of ${daysOnline} days`;
}

function PresenceFigures({ days }: { days: readonly PresenceDay[] }) {
  const figures = presenceFigures(days);
  return (
    <dl className="grid grid-cols-1 gap-3 sm:grid-cols-2">
      <Figure
        label="Time online"
        value={formatMinutes(figures.onlineMinutes)}
        note={`${plural(figures.onlineMinutes, 'minute', 'minutes')} on ${plural(figures.daysOnline, 'day', 'days')}`}
      />
      <Figure label="Sessions" value={formatCount(figures.sessions)} note="unbroken stretches online" />
      {figures.longestSession && (
        <Figure label="Longest session" value={formatMinutes(figures.longestSession.minutes)} note={`on ${formatDay(figures.longestSession.day)}`} />
      )}
      {figures.commonPeakHour && (
        <Figure
          label="Most common peak hour"
          value={formatHourRange(figures.commonPeakHour.hour)}
          note={peakWords(figures.commonPeakHour.days, figures.daysOnline)}
        />
      )}
    </dl>
  );
}

/** A reader's presence over the last 30 days: figures, and minutes online per day as a chart with a table view. */
export function PresenceStatsPanel({ client, viewerId, reader, headingLevel = 2, today }: PresenceStatsPanelProps) {
  const query = usePresenceStats(client, viewerId, reader?.id ?? null);
  const headingId = useId();
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const own = reader === undefined;
  const stats = query.data;

  return (
    <section aria-labelledby={headingId} className="space-y-4">
      <div>
        <Heading id={headingId} className={`font-display text-gold-300 ${headingLevel === 2 ? 'text-2xl' : 'text-xl'}`}>
          {own ? 'Your presence' : `Presence of ${reader.name}`}
        </Heading>
        <p className="mt-1 text-sm text-mist-300">
          {own
            ? `The last ${STATS_DAYS} days, computed once a day from your status changes, in the time zone of your hours (UTC if you set none).`
            : `The last ${STATS_DAYS} days, computed once a day from their status changes, in the time zone of their hours (UTC if they set none).`}
        </p>
      </div>
      {stats === undefined ? (
        query.error ? (
          <StatusMessage tone="error" role="alert" action={<RetryButton onClick={() => void query.refetch()} busy={query.isFetching} />}>
            The presence statistics could not be loaded. {query.error instanceof ApiError ? query.error.message : 'Please try again.'}
          </StatusMessage>
        ) : (
          <p role="status" className="text-sm text-mist-300">
            Loading presence statistics…
          </p>
        )
      ) : stats.days.length === 0 ? (
        <p className="rounded-lg border border-night-600 bg-night-900/80 px-4 py-3 text-sm text-mist-300">{NO_PRESENCE_YET}</p>
      ) : (
        <>
          <PresenceFigures days={stats.days} />
          <ChartCard
            title="Online per day"
            summary={summarizePresenceDays(stats.days)}
            caption={`Minutes online per day, the last ${STATS_DAYS} days`}
            data={onlineMinutesChartData(stats.days, periodEnd(stats.days, today ?? stats.readOn))}
            table={presenceDaysTableData(stats.days)}
            kind="bar"
            axis={DAY_AXIS}
            formatValue={formatCount}
            headingLevel={headingLevel === 2 ? 3 : 4}
          />
        </>
      )}
    </section>
  );
}
