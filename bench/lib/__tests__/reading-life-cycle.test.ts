import { describe, expect, test } from 'vitest';
import {
  countTopics,
  READING_STEPS,
  readingLifeCycle,
  sdpOfAbout,
  signalBytes,
  signalsByEvent,
  topicKind,
  typicalCallSignals,
  type ReadingStep,
  type ReadingStepMeasure,
} from '../reading-life-cycle.ts';
import { indexesRead } from '../readings.ts';

const FIGURES: Record<ReadingStep, { ms: number; commit: number; wal: number; messages: number }> = {
  request: { ms: 5, commit: 3, wal: 2_400, messages: 2 },
  accept: { ms: 10, commit: 5, wal: 4_400, messages: 3 },
  'heartbeat-client': { ms: 2, commit: 4, wal: 224, messages: 0 },
  'heartbeat-reader': { ms: 1.5, commit: 4, wal: 230, messages: 0 },
  'heartbeat-absorbed': { ms: 1, commit: 1, wal: 142, messages: 0 },
  end: { ms: 5, commit: 6, wal: 3_700, messages: 3 },
};

function measuredSteps(): ReadingStepMeasure[] {
  return READING_STEPS.map((step) => {
    const figures = FIGURES[step];
    return {
      step,
      call: `\`${step}\``,
      httpMs: { p50: figures.ms * 10, p95: figures.ms * 20 },
      postgresMs: { p50: figures.ms, p95: figures.ms * 2 },
      commitMs: { p50: figures.commit, p95: figures.commit * 2 },
      walBytes: { p50: figures.wal, p95: figures.wal * 2 },
      messages: figures.messages,
      topics: figures.messages === 0 ? {} : { 'readings:<id>': 2, ...(figures.messages === 3 ? { 'reader-presence': 1 } : {}) },
    };
  });
}

describe("a reading's life cycle, computed from its measured steps", () => {
  test('a 30-minute reading: request, accept, four heartbeats a minute from each side, end', () => {
    const cycle = readingLifeCycle(measuredSteps());
    expect(cycle.parts.map((part) => [part.step, part.count])).toEqual([
      ['request', 1],
      ['accept', 1],
      ['heartbeat-client', 120],
      ['heartbeat-reader', 120],
      ['end', 1],
    ]);
    expect(cycle.total.statements).toBe(243);
    expect(cycle.total.postgresMs).toBeCloseTo(5 + 10 + 120 * 2 + 120 * 1.5 + 5);
    expect(cycle.total.commitMs).toBeCloseTo(3 + 5 + 120 * 4 + 120 * 4 + 6);
    expect(cycle.total.walBytes).toBe(2_400 + 4_400 + 120 * 224 + 120 * 230 + 3_700);
    expect(cycle.total.messages).toBe(8);
    expect(cycle.perLiveMinute).toEqual({ statements: 8, postgresMs: 4 * 3.5, walBytes: 4 * 454 });
  });

  test('the absorbed heartbeat is measured but not part of a reading on the 15-second interval', () => {
    const cycle = readingLifeCycle(measuredSteps(), 1, 4);
    expect(cycle.parts.some((part) => part.step === 'heartbeat-absorbed')).toBe(false);
    expect(cycle.total.statements).toBe(11);
  });

  test('a missing step is an error, not a zero', () => {
    expect(() => readingLifeCycle(measuredSteps().filter((step) => step.step !== 'end'))).toThrow('the life cycle needs the measured step "end"');
  });
});

test('topics are counted by kind, ids left out', () => {
  const client = '5b7c1e2a-0d3f-4a8b-9c6d-1e2f3a4b5c6d';
  expect(topicKind(`readings:${client}`)).toBe('readings:<id>');
  expect(countTopics([`readings:${client}`, 'readings:AAAAAAAA-0D3F-4A8B-9C6D-1E2F3A4B5C6D', 'reader-presence'])).toEqual({
    'readings:<id>': 2,
    'reader-presence': 1,
  });
});

describe("a typical call's signalling", () => {
  const signals = typicalCallSignals({ client: 'client-1', reader: 'reader-1' });

  test('a hello from each side, the offer and the answer, eight candidates a side in turn, the bye', () => {
    expect(signals).toHaveLength(21);
    expect(signalsByEvent(signals)).toEqual({ hello: 2, offer: 1, answer: 1, ice: 16, bye: 1 });
    expect(signals.map((signal) => `${signal.from} ${signal.event}`).slice(0, 6)).toEqual([
      'client hello',
      'reader hello',
      'client offer',
      'reader answer',
      'client ice',
      'reader ice',
    ]);
    expect(signals.at(-1)).toEqual({ from: 'client', event: 'bye', payload: { session: 'client-1' } });
    expect(signals.every((signal) => signal.payload.session === `${signal.from}-1`)).toBe(true);
  });

  test('the SDPs are about 4 KB of whole lines, and candidates have what ReadingCall checks', () => {
    const sdp = sdpOfAbout(4_096, 'client');
    expect(sdp.length).toBeLessThanOrEqual(4_096);
    expect(sdp.length).toBeGreaterThan(3_900);
    expect(sdp).toMatch(/^v=0\r\n/);
    expect(sdp.endsWith('\r\n')).toBe(true);
    expect(sdp.split('\r\n').every((line) => line === '' || /^[a-z]=/.test(line))).toBe(true);
    const ice = signals.find((signal) => signal.event === 'ice')!;
    expect(ice.payload.candidate).toMatchObject({ sdpMid: '0', sdpMLineIndex: 0, usernameFragment: 'Cq7h' });
    expect(String((ice.payload.candidate as { candidate: string }).candidate)).toMatch(/^candidate:\d+ 1 udp \d+ [\d.]+ \d+ typ host/);
  });

  test('bytes are the JSON supabase-js is given', () => {
    const hello = signals[0]!;
    expect(signalBytes(hello)).toBe(JSON.stringify({ type: 'broadcast', event: 'hello', payload: { session: 'client-1' } }).length);
    const total = signals.reduce((sum, signal) => sum + signalBytes(signal), 0);
    expect(total).toBeGreaterThan(2 * 4_000);
    expect(total).toBeLessThan(2 * 4_096 + 21 * 400);
  });
});

test('the indexes a plan reads include bitmap index scans', () => {
  const plan = `Bitmap Heap Scan on readings r  (cost=8.15..35.19 rows=1 width=22)
  ->  Bitmap Index Scan on readings_one_open_per_client  (cost=0.00..8.15 rows=7 width=0)
->  Index Scan using users_pkey on users u  (cost=0.28..8.30 rows=1 width=22)
->  Index Scan using users_pkey on users u  (cost=0.28..8.30 rows=1 width=22)`;
  expect(indexesRead(plan)).toEqual(['readings_one_open_per_client', 'users_pkey']);
  expect(indexesRead('Seq Scan on readings r')).toEqual([]);
});
