/** Five-field cron expressions (minute hour day-of-month month day-of-week), as pg_cron reads them. */

const FIELD_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 6],
];

function fieldMatches(field: string, value: number, [low, high]: readonly [number, number]): boolean {
  return field.split(',').some((part) => {
    const [range = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    const [start, end] = range === '*' ? [low, high] : range.includes('-') ? range.split('-').map(Number) : [Number(range), stepText ? high : Number(range)];
    if (![step, start, end].every(Number.isInteger) || step < 1) throw new Error(`Unsupported cron field "${field}"`);
    return value >= start! && value <= end! && (value - start!) % step === 0;
  });
}

/** Whether a job scheduled with `schedule` runs in the minute of `at` (UTC, like pg_cron). */
export function cronMatches(schedule: string, at: Date): boolean {
  const fields = schedule.trim().split(/\s+/);
  if (fields.length !== 5) throw new Error(`Cron schedule "${schedule}" needs five fields`);
  const values = [at.getUTCMinutes(), at.getUTCHours(), at.getUTCDate(), at.getUTCMonth() + 1, at.getUTCDay()];
  return fields.every((field, index) => fieldMatches(field, values[index]!, FIELD_RANGES[index]!));
}
