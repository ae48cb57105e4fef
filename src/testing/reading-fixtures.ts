import { vi } from 'vitest';
import type { Reading, ReadingsApi } from '@/features/readings/api/readings-api';

export const CLIENT_ID = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
export const READER_ID = '11111111-1111-4111-8111-111111111111';
export const READING_ID = 'dddddddd-dddd-4ddd-8ddd-dddddddddddd';
export const OTHER_READING_ID = 'eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee';
export const STRANGER_ID = '99999999-9999-4999-8999-999999999999';

/** A reading_view row as the database sends it (an RPC's answer or a push): ringing, unless overridden. */
export function readingRow(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: READING_ID,
    state: 'ringing',
    client_id: CLIENT_ID,
    client_name: 'Ada Moss',
    reader_id: READER_ID,
    reader_name: 'Luna Starweaver',
    price_per_minute: 4.99,
    requested_at: '2026-11-25T21:00:00+00:00',
    expires_at: '2026-11-25T21:01:00+00:00',
    started_at: null,
    ended_at: null,
    ended_by: null,
    end_reason: null,
    duration_seconds: null,
    amount: null,
    charged_until: null,
    server_time: '2026-11-25T21:00:00+00:00',
    ...overrides,
  };
}

/** A reading as the app holds it (parseReading's answer): ringing, unless overridden. */
export function reading(overrides: Partial<Reading> = {}): Reading {
  return {
    id: READING_ID,
    state: 'ringing',
    clientId: CLIENT_ID,
    clientName: 'Ada Moss',
    readerId: READER_ID,
    readerName: 'Luna Starweaver',
    pricePerMinute: 4.99,
    requestedAt: '2026-11-25T21:00:00Z',
    expiresAt: '2026-11-25T21:01:00Z',
    startedAt: null,
    endedAt: null,
    endedBy: null,
    endReason: null,
    durationSeconds: null,
    amount: null,
    chargedUntil: null,
    serverTime: '2026-11-25T21:00:00Z',
    ...overrides,
  };
}

/** The reading accepted at 21:00:20, as the accept answers it: nothing charged yet, which changes at once. */
export const liveReading = (overrides: Partial<Reading> = {}) =>
  reading({
    state: 'live',
    expiresAt: null,
    startedAt: '2026-11-25T21:00:20Z',
    amount: 0,
    chargedUntil: '2026-11-25T21:00:20Z',
    serverTime: '2026-11-25T21:00:20Z',
    ...overrides,
  });

/** The reading ended after 1:05, hung up by `endedBy`, at $9.98 (two started minutes at $4.99). */
export const endedReading = (overrides: Partial<Reading> = {}) =>
  reading({
    state: 'ended',
    expiresAt: null,
    startedAt: '2026-11-25T21:00:20Z',
    endedAt: '2026-11-25T21:01:25Z',
    endedBy: CLIENT_ID,
    endReason: 'hung_up',
    durationSeconds: 65,
    amount: 9.98,
    serverTime: '2026-11-25T21:01:25Z',
    ...overrides,
  });

/** A ReadingsApi whose calls never answer unless a test says otherwise. */
export function fakeReadingsApi() {
  const never = () => new Promise<never>(() => {});
  return {
    request: vi.fn<ReadingsApi['request']>(never),
    answer: vi.fn<ReadingsApi['answer']>(never),
    cancel: vi.fn<ReadingsApi['cancel']>(never),
    end: vi.fn<ReadingsApi['end']>(never),
    heartbeat: vi.fn<ReadingsApi['heartbeat']>(never),
    iceServers: vi.fn<ReadingsApi['iceServers']>(() => Promise.resolve([])),
    current: vi.fn<ReadingsApi['current']>(() => Promise.resolve(null)),
    history: vi.fn<ReadingsApi['history']>(never),
  } satisfies ReadingsApi;
}
