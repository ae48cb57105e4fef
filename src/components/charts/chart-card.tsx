import { useId, useState } from 'react';
import type { ChartData, TimeAxis } from '@/components/charts/chart-data';
import { ChartTable } from '@/components/charts/chart-table';
import { seriesStyle } from '@/components/charts/series-style';
import { TimeChart, type TimeChartKind } from '@/components/charts/time-chart';

export interface ChartCardProps {
  title: string;
  /** One or two sentences that say what the chart shows. */
  summary: string;
  /** The chart's accessible name and its table's caption: what it shows, over when, per what. */
  caption: string;
  data: ChartData;
  /** What the table view lists when it is more than the chart draws (more columns, fewer rows); the chart's data by default. */
  table?: ChartData;
  kind: TimeChartKind;
  axis: TimeAxis;
  formatValue: (value: number) => string;
  /** Newer figures are loading: the chart shown is the previous one. */
  updating?: boolean;
  /** The title's heading level, under the section the card is in. */
  headingLevel?: 3 | 4;
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
export function ChartCard({ title, summary, caption, data, table = data, kind, axis, formatValue, updating = false, headingLevel = 3 }: ChartCardProps) {
  const [asTable, setAsTable] = useState(false);
  const id = useId();
  const headingId = `${id}-heading`;
  const summaryId = `${id}-summary`;
  const contentId = `${id}-content`;
  const empty = data.x.length === 0;
  const Heading = headingLevel === 3 ? 'h3' : 'h4';

  return (
    <section aria-labelledby={headingId} aria-busy={updating} className="space-y-3 rounded-lg border border-night-700 bg-night-900/60 p-4">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <Heading id={headingId} className="font-display text-lg text-gold-300">
          {title}
        </Heading>
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
        <ChartTable id={contentId} caption={caption} data={table} axis={axis} formatValue={formatValue} />
      ) : (
        <div id={contentId} className="space-y-2">
          <TimeChart data={data} kind={kind} axis={axis} formatValue={formatValue} label={caption} describedBy={summaryId} />
          <Legend data={data} kind={kind} />
        </div>
      )}
    </section>
  );
}
