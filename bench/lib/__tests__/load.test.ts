import { describe, expect, test } from 'vitest';
import { percentile, runLoad } from '../load.ts';

describe('percentile', () => {
  test('nearest rank over sorted samples', () => {
    const samples = Array.from({ length: 100 }, (_, index) => index + 1);
    expect(percentile(samples, 0.5)).toBe(50);
    expect(percentile(samples, 0.95)).toBe(95);
    expect(percentile(samples, 0.99)).toBe(99);
    expect(percentile(samples, 1)).toBe(100);
    expect(percentile([7], 0.99)).toBe(7);
    expect(percentile([], 0.5)).toBe(0);
  });
});

describe('runLoad', () => {
  test('keeps every worker busy for the duration and counts only after the warm-up', async () => {
    const seenWorkers = new Set<number>();
    let calls = 0;
    const result = await runLoad({
      concurrency: 4,
      warmupMs: 100,
      durationMs: 300,
      request: async (worker) => {
        seenWorkers.add(worker);
        calls += 1;
        await new Promise((resolve) => setTimeout(resolve, 10));
      },
    });

    expect([...seenWorkers].sort()).toEqual([0, 1, 2, 3]);
    expect(result.errors).toBe(0);
    expect(result.requests).toBeGreaterThan(0);
    // Warm-up requests ran but are not in the result.
    expect(result.requests).toBeLessThan(calls);
    expect(result.latencyMs.p50).toBeGreaterThanOrEqual(9);
    expect(result.latencyMs.p50).toBeLessThanOrEqual(result.latencyMs.p95);
    expect(result.latencyMs.p95).toBeLessThanOrEqual(result.latencyMs.p99);
    expect(result.latencyMs.p99).toBeLessThanOrEqual(result.latencyMs.max);
    expect(result.perSecond).toBeCloseTo(result.requests / (result.durationMs / 1000), 5);
  });

  test('counts failures apart from latencies and keeps the first message', async () => {
    let sequence = 0;
    const result = await runLoad({
      concurrency: 1,
      durationMs: 100,
      request: async () => {
        sequence += 1;
        await new Promise((resolve) => setTimeout(resolve, 1));
        if (sequence % 2 === 0) throw new Error(`failure ${sequence}`);
      },
    });

    expect(result.errors).toBeGreaterThan(0);
    expect(Math.abs(result.errors - result.requests)).toBeLessThanOrEqual(1);
    expect(result.firstError).toBe('failure 2');
  });
});
