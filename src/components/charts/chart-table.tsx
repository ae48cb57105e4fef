import type { ChartData, TimeAxis } from '@/components/charts/chart-data';

interface ChartTableProps {
  id: string;
  caption: string;
  data: ChartData;
  axis: TimeAxis;
  formatValue: (value: number) => string;
}

/** A chart's figures as a table: a row per point, a column per series, a dash for a gap. */
export function ChartTable({ id, caption, data, axis, formatValue }: ChartTableProps) {
  return (
    // Focusable, so a keyboard can scroll a long table (axe: scrollable-region-focusable).
    <div id={id} role="region" aria-label={`${caption} (table)`} tabIndex={0} className="max-h-80 overflow-auto rounded-md border border-night-700">
      <table className="w-full text-left text-sm">
        <caption className="px-3 pt-2 text-left text-xs text-mist-500">{caption}</caption>
        <thead className="sticky top-0 bg-night-900 text-mist-300">
          <tr>
            <th scope="col" className="px-3 py-2 font-medium">
              {axis.heading}
            </th>
            {data.series.map((series) => (
              <th key={series.key} scope="col" className="px-3 py-2 text-right font-medium">
                {series.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {data.x.map((at, i) => (
            <tr key={at} className="border-t border-night-800">
              <th scope="row" className="px-3 py-1.5 font-normal whitespace-nowrap text-mist-300">
                {axis.formatPoint(at)}
              </th>
              {data.series.map((series) => {
                const value = series.values[i];
                return (
                  <td key={series.key} className="px-3 py-1.5 text-right tabular-nums">
                    {value === null || value === undefined ? '–' : (series.format ?? formatValue)(value)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
