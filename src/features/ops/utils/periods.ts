/** The periods the dashboard charts, as the database names them. */
export const OPS_PERIODS = ['24 hours', '7 days', '30 days'] as const;

export type OpsPeriod = (typeof OPS_PERIODS)[number];

export const DEFAULT_OPS_PERIOD: OpsPeriod = '24 hours';

/** The length of one chart bucket in each period (the database's ops_period_bucket). */
export const BUCKET_MS: Record<OpsPeriod, number> = {
  '24 hours': 10 * 60_000,
  '7 days': 60 * 60_000,
  '30 days': 6 * 60 * 60_000,
};

const BUCKET_WORDS: Record<OpsPeriod, string> = {
  '24 hours': '10 minutes',
  '7 days': 'hour',
  '30 days': '6 hours',
};

export function isOpsPeriod(value: unknown): value is OpsPeriod {
  return (OPS_PERIODS as readonly unknown[]).includes(value);
}

/** "the last 24 hours" */
export const periodWords = (period: OpsPeriod) => `the last ${period}`;

/** "10 minutes", "hour", "6 hours": what one point of a chart covers. */
export const bucketWords = (period: OpsPeriod) => BUCKET_WORDS[period];
