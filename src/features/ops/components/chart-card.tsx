import { useId, useState } from 'react';
import { ChartTable } from '@/features/ops/components/chart-table';
import { TimeChart, type TimeChartKind } from '@/features/ops/components/time-chart';
import type { ChartData } from '@/features/ops/utils/chart-data';
import { bucketWords, periodWords, type OpsPeriod } from '@/features/ops/utils/periods';
import { seriesStyle } from '@/features/ops/utils/series-style';

export interface ChartCardProps {
  title: string;
  /** One or two sentences that say what the chart shows (summaries.ts). */
  summary: string;
  data: ChartData;
  kind: TimeChartKind;
  /** The period the data covers (the one on screen may still be loading). */
  period: OpsPeriod;
  timeZone?: string;
  formatValue: (value: number) => string;
  /** A newer period is loading: the chart shown is the previous one. */
  updating?: boolean;
}

function Legend({ data, kind }: { data: ChartData; kind: TimeChartKind }) {
  if (data.series.length < 2) return null;
  return (
    <ul aria-label="Legend" className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-mist-300">
      {data.series.map((series, i) => {
        const { color, dash } = seriesStyle(i);
        return (
          <li key={series.key} className="flex items-center gap-1.5">
            <svg aria-hidden="true" width="20" height="10" className="shrink-0">
              {kind === 'line' ? (
                <line x1="0" y1="5" x2="20" y2="5" stroke={color} strokeWidth="2" strokeDasharray={dash} />
              ) : (
                <rect width="20" height="10" rx="2" fill={color} />
              )}
            </svg>
            {series.label}
          </li>
        );
      })}
    </ul>
  );
}

/** A chart with its title, a summary in words, and a table view of the same figures. */
export function ChartCard({ title, summary, data, kind, period, timeZone, formatValue, updating = false }: ChartCardProps) {
  const [asTable, setAsTable] = useState(false);
  const id = useId();
  const headingId = `${id}-heading`;
  const summaryId = `${id}-summary`;
  const contentId = `${id}-content`;
  const empty = data.x.length === 0;
  const caption = `${title}, ${periodWords(period)}, per ${bucketWords(period)}`;

  return (
    <section aria-labelledby={headingId} aria-busy={updating} className="space-y-3 rounded-lg border border-night-700 bg-night-900/60 p-4">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <h3 id={headingId} className="font-display text-lg text-gold-300">
          {title}
        </h3>
        {!empty && (
          <button
            type="button"
            aria-controls={contentId}
            onClick={() => setAsTable((shown) => !shown)}
            className="rounded-md border border-night-600 px-2.5 py-1 text-xs font-medium text-mist-300 hover:bg-night-800 hover:text-gold-300"
          >
            {asTable ? 'Show chart' : 'Show table'}
          </button>
        )}
      </div>
      <p id={summaryId} className="text-sm text-mist-100">
        {summary}
        {updating && <span className="text-mist-500"> Loading the new period…</span>}
      </p>
      {empty ? null : asTable ? (
        <ChartTable id={contentId} caption={caption} data={data} period={period} timeZone={timeZone} formatValue={formatValue} />
      ) : (
        <div id={contentId} className="space-y-2">
          <TimeChart data={data} kind={kind} period={period} timeZone={timeZone} formatValue={formatValue} label={caption} describedBy={summaryId} />
          <Legend data={data} kind={kind} />
        </div>
      )}
    </section>
  );
}
