import { describe, expect, test } from 'vitest';
import { benchConfigFromEnv } from '../config.ts';

describe('benchConfigFromEnv', () => {
  test('defaults: 100,000 readers, 10,000 online and stale, growth at 1k and 10k, 50 concurrent heartbeats', () => {
    expect(benchConfigFromEnv({}, '/results')).toEqual({
      readers: 100_000,
      online: 10_000,
      stale: 10_000,
      growth: [1_000, 10_000, 100_000],
      heartbeatConcurrency: 50,
      heartbeatRounds: 3,
      heartbeatSeconds: 15,
      warmupSeconds: 3,
      readConcurrency: 20,
      readSeconds: 5,
      pushSubscribers: 1_000,
      pushTransitions: 100,
      pushBurst: 200,
      followers: 1_000,
      readings: 20,
      finishedReadings: 100_000,
      resultsDir: '/results',
    });
  });

  test('smaller runs scale the online and stale readers and keep the growth steps below the size', () => {
    const config = benchConfigFromEnv({ BENCH_READERS: '20_000', BENCH_GROWTH: '50000, 5000,1000' }, '/results');
    expect(config).toMatchObject({ readers: 20_000, online: 2_000, stale: 2_000, growth: [1_000, 5_000, 20_000] });
  });

  test('results name, the results to compare with, and a proposed schema change to measure', () => {
    expect(
      benchConfigFromEnv(
        { BENCH_RESULTS_NAME: '2026-12-01-per-device.md', BENCH_PREVIOUS: 'bench/results/2026-12-01.json', BENCH_SCHEMA_PATCH: 'change.sql' },
        '/results',
      ),
    ).toMatchObject({
      resultsName: '2026-12-01-per-device',
      previousResults: 'bench/results/2026-12-01.json',
      schemaPatch: 'change.sql',
    });
  });

  test.each([
    [{ BENCH_RESULTS_NAME: '../elsewhere' }, /BENCH_RESULTS_NAME=..\/elsewhere is not a plain file name/],
    [{ BENCH_READERS: 'lots' }, /BENCH_READERS=lots is not a positive whole number/],
    [{ BENCH_CONCURRENCY: '0' }, /BENCH_CONCURRENCY=0/],
    [{ BENCH_ROUND_SECONDS: '-1' }, /BENCH_ROUND_SECONDS=-1 is not a positive number of seconds/],
    [{ BENCH_GROWTH: '1000,x' }, /BENCH_GROWTH has "x"/],
    [{ BENCH_READERS: '1000', BENCH_ONLINE: '600', BENCH_STALE: '500' }, /cannot exceed BENCH_READERS \(1000\)/],
  ])('refuses %o with a clear message', (env, message) => {
    expect(() => benchConfigFromEnv(env, '/results')).toThrow(message);
  });
});
