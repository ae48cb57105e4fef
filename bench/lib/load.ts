/**
 * A closed-loop load generator: `concurrency` workers each send one request after another for a
 * fixed time, after a warm-up whose requests are not counted. Needs nothing installed; the
 * request itself (usually a fetch) is the caller's.
 */
export interface LoadOptions {
  concurrency: number;
  durationMs: number;
  warmupMs?: number;
  /** One request; throws (or rejects) when it failed. `worker` is 0..concurrency-1. */
  request: (worker: number) => Promise<void>;
}

export interface LoadResult {
  requests: number;
  errors: number;
  firstError?: string;
  durationMs: number;
  perSecond: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
}

/** The value below which `fraction` of the sorted samples lie (nearest rank); 0 for no samples. */
export function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(fraction * sorted.length)));
  return sorted[rank - 1]!;
}

export async function runLoad({ concurrency, durationMs, warmupMs = 0, request }: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const measureFrom = started + warmupMs;
  const stopAt = measureFrom + durationMs;

  async function worker(index: number) {
    while (performance.now() < stopAt) {
      const sent = performance.now();
      let failed = false;
      try {
        await request(index);
      } catch (error) {
        failed = true;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
      if (sent < measureFrom) continue;
      if (failed) errors += 1;
      else latencies.push(performance.now() - sent);
    }
  }

  await Promise.all(Array.from({ length: concurrency }, (_, index) => worker(index)));
  const measuredMs = Math.max(1, performance.now() - measureFrom);
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    errors,
    firstError,
    durationMs: measuredMs,
    perSecond: latencies.length / (measuredMs / 1000),
    latencyMs: {
      p50: percentile(latencies, 0.5),
      p95: percentile(latencies, 0.95),
      p99: percentile(latencies, 0.99),
      max: latencies.at(-1) ?? 0,
    },
  };
}
