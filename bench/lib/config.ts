/** What `npm run bench` measures, from the environment; every figure has a default. */
export interface BenchConfig {
  /** Readers in the final data set (heartbeats and the capacity line run at this size). */
  readers: number;
  /** Readers online at that size; smaller sizes keep the same share. */
  online: number;
  /** Stale readers (flagged online, silent for eleven minutes) the cleanups find at that size. */
  stale: number;
  /** Sizes at which reads and cleanups are measured, ascending, the last one `readers`. */
  growth: number[];
  heartbeatConcurrency: number;
  heartbeatRounds: number;
  heartbeatSeconds: number;
  warmupSeconds: number;
  readConcurrency: number;
  readSeconds: number;
  /** Realtime clients subscribed to the presence channel while pushes are measured. */
  pushSubscribers: number;
  /** Transitions pushed one at a time for the latency figures. */
  pushTransitions: number;
  /** Transitions committed at once for the throughput figure. */
  pushBurst: number;
  /** Clients who asked to be told when one reader becomes available. */
  followers: number;
  /** Video readings measured through each path (HTTP, and in PostgreSQL), one after another. */
  readings: number;
  /** Ended readings in the table while readings and the job that ends overdue ones are measured. */
  finishedReadings: number;
  /** Where the report, its JSON and the chart are written. */
  resultsDir: string;
  /** Their file name without extension; the run's date when unset. An existing report is never overwritten. */
  resultsName?: string;
  /** The results (JSON) this run is compared with; the newest other JSON in resultsDir when unset. */
  previousResults?: string;
  /** SQL run after the migrations, to measure a proposed change to them before making it; the report says so. */
  schemaPatch?: string;
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw.replaceAll('_', ''));
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name}=${raw} is not a positive whole number.`);
  return value;
}

function positiveNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name}=${raw} is not a positive number of seconds.`);
  return value;
}

function resultsName(raw: string): string {
  const name = raw.replace(/\.(md|json|svg)$/, '');
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) throw new Error(`BENCH_RESULTS_NAME=${raw} is not a plain file name (letters, digits, dot, - and _).`);
  return name;
}

export function benchConfigFromEnv(env: NodeJS.ProcessEnv, defaultResultsDir: string): BenchConfig {
  const readers = positiveInteger(env, 'BENCH_READERS', 100_000);
  const online = positiveInteger(env, 'BENCH_ONLINE', Math.min(10_000, Math.ceil(readers / 10)));
  const stale = positiveInteger(env, 'BENCH_STALE', Math.min(10_000, Math.ceil(readers / 10)));
  if (online + stale > readers) {
    throw new Error(`BENCH_ONLINE (${online}) plus BENCH_STALE (${stale}) cannot exceed BENCH_READERS (${readers}).`);
  }
  const growth = env.BENCH_GROWTH
    ? env.BENCH_GROWTH.split(',').map((size) => {
        const value = Number(size.trim().replaceAll('_', ''));
        if (!Number.isInteger(value) || value <= 0) throw new Error(`BENCH_GROWTH has "${size}", which is not a positive whole number.`);
        return value;
      })
    : [1_000, 10_000, 100_000].filter((size) => size < readers);
  const sizes = [...new Set([...growth.filter((size) => size < readers), readers])].sort((a, b) => a - b);
  return {
    readers,
    online,
    stale,
    growth: sizes,
    heartbeatConcurrency: positiveInteger(env, 'BENCH_CONCURRENCY', 50),
    heartbeatRounds: positiveInteger(env, 'BENCH_ROUNDS', 3),
    heartbeatSeconds: positiveNumber(env, 'BENCH_ROUND_SECONDS', 15),
    warmupSeconds: positiveNumber(env, 'BENCH_WARMUP_SECONDS', 3),
    readConcurrency: positiveInteger(env, 'BENCH_READ_CONCURRENCY', 20),
    readSeconds: positiveNumber(env, 'BENCH_READ_SECONDS', 5),
    pushSubscribers: positiveInteger(env, 'BENCH_PUSH_SUBSCRIBERS', 1_000),
    pushTransitions: positiveInteger(env, 'BENCH_PUSH_TRANSITIONS', 100),
    pushBurst: positiveInteger(env, 'BENCH_PUSH_BURST', 200),
    followers: positiveInteger(env, 'BENCH_FOLLOWERS', 1_000),
    readings: positiveInteger(env, 'BENCH_READINGS', 20),
    finishedReadings: positiveInteger(env, 'BENCH_FINISHED_READINGS', 100_000),
    resultsDir: env.BENCH_RESULTS_DIR || defaultResultsDir,
    ...(env.BENCH_RESULTS_NAME ? { resultsName: resultsName(env.BENCH_RESULTS_NAME) } : {}),
    ...(env.BENCH_PREVIOUS ? { previousResults: env.BENCH_PREVIOUS } : {}),
    ...(env.BENCH_SCHEMA_PATCH ? { schemaPatch: env.BENCH_SCHEMA_PATCH } : {}),
  };
}
