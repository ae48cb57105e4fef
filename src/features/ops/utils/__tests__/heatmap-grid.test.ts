import { describe, expect, test } from 'vitest';
import { heatLevel, heatmapGrid } from '@/features/ops/utils/heatmap-grid';

describe('heatmapGrid', () => {
  test('lays the cells out Monday to Sunday by hour, with an empty cell where none came', () => {
    const grid = heatmapGrid([
      { weekday: 2, hour: 20, onlineAvg: 12, minutesSeen: 240 },
      { weekday: 7, hour: 0, onlineAvg: 3, minutesSeen: 60 },
    ]);
    expect(grid.rows.map((row) => row.shortName)).toEqual(['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']);
    expect(grid.rows.every((row) => row.cells.length === 24)).toBe(true);
    expect(grid.max).toBe(12);
    expect(grid.rows[1]!.cells[20]).toEqual({ hour: 20, hourLabel: '20:00', onlineAvg: 12, minutesSeen: 240, level: 4 });
    expect(grid.rows[6]!.cells[0]).toMatchObject({ hourLabel: '00:00', onlineAvg: 3, level: 1 });
    expect(grid.rows[0]!.cells[9]).toEqual({ hour: 9, hourLabel: '09:00', onlineAvg: null, minutesSeen: 0, level: null });
  });

  test('no data at all: every cell empty', () => {
    const grid = heatmapGrid([]);
    expect(grid.max).toBe(0);
    expect(grid.rows.flatMap((row) => row.cells).every((cell) => cell.level === null)).toBe(true);
  });
});

describe('heatLevel', () => {
  test.each([
    [null, 10, null],
    [0, 10, 0],
    [0.1, 10, 1],
    [2.5, 10, 1],
    [2.6, 10, 2],
    [7.5, 10, 3],
    [10, 10, 4],
    [0, 0, 0],
  ])('%j of a busiest %j is level %j', (value, max, level) => {
    expect(heatLevel(value, max)).toBe(level);
  });
});
