import { formatCount } from '@/lib/format-number';
import type { HeatmapGrid, HeatmapGridCell } from '@/features/ops/utils/heatmap-grid';

// Five shades from the night background to gold leaf, each with a text colour that keeps 4.5:1 on
// it: the number in each cell carries the value, the shade only helps the eye.
const LEVEL_CLASSES = [
  'bg-night-900 text-mist-300',
  'bg-night-700 text-mist-100',
  'bg-night-600 text-mist-100',
  'bg-gold-500 text-night-950',
  'bg-gold-300 text-night-950',
];

function cellClass(cell: HeatmapGridCell): string {
  return cell.level === null ? 'bg-night-950 text-mist-500' : (LEVEL_CLASSES[cell.level] ?? LEVEL_CLASSES[0]!);
}

interface AvailabilityHeatmapProps {
  grid: HeatmapGrid;
  caption: string;
}

/** Readers usually online by weekday (rows) and hour (columns): a table, a number in every cell. */
export function AvailabilityHeatmap({ grid, caption }: AvailabilityHeatmapProps) {
  const hours = grid.rows[0]?.cells ?? [];
  return (
    <div role="region" aria-label={caption} tabIndex={0} className="overflow-x-auto rounded-md border border-night-700">
      <table className="w-full border-separate border-spacing-0.5 text-center text-xs tabular-nums">
        <caption className="px-2 pt-2 text-left text-xs text-mist-500">{caption}</caption>
        <thead>
          <tr>
            <th scope="col" className="px-1 py-1 text-left font-medium text-mist-300">
              Day
            </th>
            {hours.map((cell) => (
              <th key={cell.hour} scope="col" className="px-1 py-1 font-medium text-mist-300">
                <abbr title={cell.hourLabel} className="no-underline">
                  {String(cell.hour).padStart(2, '0')}
                </abbr>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {grid.rows.map((row) => (
            <tr key={row.weekday}>
              <th scope="row" className="px-1 py-1 text-left font-medium text-mist-300">
                <abbr title={row.name} className="no-underline">
                  {row.shortName}
                </abbr>
              </th>
              {row.cells.map((cell) => (
                <td
                  key={cell.hour}
                  className={`min-w-7 rounded-sm px-1 py-1.5 ${cellClass(cell)}`}
                  title={`${row.name} ${cell.hourLabel}: ${cell.onlineAvg === null ? 'no data' : `${formatCount(cell.onlineAvg)} online on average`}`}
                >
                  {cell.onlineAvg === null ? (
                    <>
                      <span aria-hidden="true">·</span>
                      <span className="sr-only">no data</span>
                    </>
                  ) : (
                    formatCount(cell.onlineAvg)
                  )}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
