import type { HeatmapCell } from '@/features/ops/api/fetch-availability-heatmap';

export interface HeatmapGridCell {
  hour: number;
  /** "20:00" */
  hourLabel: string;
  /** Readers online on average; null where no minute was recorded. */
  onlineAvg: number | null;
  minutesSeen: number;
  /** 0 (none online) to 4 (the busiest cell); null without data. */
  level: number | null;
}

export interface HeatmapGridRow {
  /** ISO weekday, Monday 1. */
  weekday: number;
  name: string;
  shortName: string;
  cells: HeatmapGridCell[];
}

export interface HeatmapGrid {
  rows: HeatmapGridRow[];
  /** The largest average of any cell (0 when there is none). */
  max: number;
}

const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
export const HEATMAP_LEVELS = 4;

export const hourLabel = (hour: number) => `${String(hour).padStart(2, '0')}:00`;

/** A cell's shade: a share of the busiest cell in four steps, any reader online at all at least the first. */
export function heatLevel(value: number | null, max: number): number | null {
  if (value === null) return null;
  if (value <= 0 || max <= 0) return 0;
  return Math.max(1, Math.min(HEATMAP_LEVELS, Math.ceil((value / max) * HEATMAP_LEVELS)));
}

/** The database's cells laid out Monday to Sunday by hour 0 to 23, an empty cell where it sent none. */
export function heatmapGrid(cells: readonly HeatmapCell[]): HeatmapGrid {
  const byKey = new Map(cells.map((cell) => [`${cell.weekday}:${cell.hour}`, cell]));
  const max = Math.max(0, ...cells.map((cell) => cell.onlineAvg ?? 0));
  const rows = DAYS.map((name, i) => {
    const weekday = i + 1;
    return {
      weekday,
      name,
      shortName: name.slice(0, 3),
      cells: Array.from({ length: 24 }, (_, hour) => {
        const cell = byKey.get(`${weekday}:${hour}`);
        const onlineAvg = cell?.onlineAvg ?? null;
        return { hour, hourLabel: hourLabel(hour), onlineAvg, minutesSeen: cell?.minutesSeen ?? 0, level: heatLevel(onlineAvg, max) };
      }),
    };
  });
  return { rows, max };
}
