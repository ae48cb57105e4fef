import { describe, expect, test } from 'vitest';
import { createReadingsApi, parseIceServers, parseReading } from '@/features/readings/api/readings-api';
import { ApiError } from '@/lib/api-error';
import { fakeSupabase, type FakeResult } from '@/testing/fake-supabase';
import { CLIENT_ID, endedReading, READER_ID, READING_ID, readingRow, reading } from '@/testing/reading-fixtures';

const endedRow = readingRow({
  state: 'ended',
  expires_at: null,
  started_at: '2026-11-25T21:00:20+00:00',
  ended_at: '2026-11-25T21:01:25+00:00',
  ended_by: CLIENT_ID,
  end_reason: 'hung_up',
  duration_seconds: 65,
  amount: 9.98,
  server_time: '2026-11-25T21:01:25+00:00',
});

describe('parseReading', () => {
  test('reads a full reading_view row', () => {
    expect(parseReading(endedRow)).toEqual(
      endedReading({
        requestedAt: '2026-11-25T21:00:00+00:00',
        startedAt: '2026-11-25T21:00:20+00:00',
        endedAt: '2026-11-25T21:01:25+00:00',
        serverTime: '2026-11-25T21:01:25+00:00',
      }),
    );
  });

  test('reads numbers sent as numeric strings (PostgREST numeric) as well as JSON numbers', () => {
    const parsed = parseReading({ ...endedRow, price_per_minute: '4.99', duration_seconds: '65', amount: '9.98' });
    expect(parsed).toMatchObject({ pricePerMinute: 4.99, durationSeconds: 65, amount: 9.98 });
  });

  test('reads a ringing row, with its expiry and the nulls of a reading not yet answered', () => {
    expect(parseReading(readingRow())).toEqual(
      reading({ requestedAt: '2026-11-25T21:00:00+00:00', expiresAt: '2026-11-25T21:01:00+00:00', serverTime: '2026-11-25T21:00:00+00:00' }),
    );
  });

  test("reads a live row's cost so far and when it next grows", () => {
    const live = readingRow({
      state: 'live',
      expires_at: null,
      started_at: '2026-11-25T21:00:20+00:00',
      amount: '9.98',
      charged_until: '2026-11-25T21:02:20+00:00',
    });
    expect(parseReading(live)).toMatchObject({ state: 'live', amount: 9.98, chargedUntil: '2026-11-25T21:02:20+00:00' });
  });

  test('reads every state and end reason the database has', () => {
    for (const state of ['ringing', 'declined', 'expired', 'cancelled', 'live', 'ended']) expect(parseReading(readingRow({ state }))?.state).toBe(state);
    for (const reason of ['hung_up', 'connection_lost', 'abandoned']) expect(parseReading({ ...endedRow, end_reason: reason })?.endReason).toBe(reason);
  });

  test('ids are kept in lower case, so they compare with the signed-in user id', () => {
    const parsed = parseReading(readingRow({ id: READING_ID.toUpperCase(), client_id: CLIENT_ID.toUpperCase(), reader_id: READER_ID.toUpperCase() }));
    expect(parsed).toMatchObject({ id: READING_ID, clientId: CLIENT_ID, readerId: READER_ID });
  });

  test.each([
    ['a malformed id', { id: 'not-a-uuid' }],
    ['a numeric id', { id: 42 }],
    ['a malformed client id', { client_id: 'abc' }],
    ['a malformed reader id', { reader_id: null }],
    ['a malformed ended_by', { ended_by: 'someone' }],
    ['an unknown state', { state: 'paused' }],
    ['a state in another case', { state: 'LIVE' }],
    ['an unknown end reason', { end_reason: 'timeout' }],
    ['a missing end reason', { end_reason: undefined }],
    ['a missing server_time', { server_time: undefined }],
    ['a null server_time', { server_time: null }],
    ['an unreadable server_time', { server_time: 'yesterday' }],
    ['a missing requested_at', { requested_at: undefined }],
    ['an unreadable expires_at', { expires_at: 'soon' }],
    ['a numeric started_at', { started_at: 1_700_000_000 }],
    ['a missing charged_until', { charged_until: undefined }],
    ['an unreadable charged_until', { charged_until: 'next minute' }],
    ['a missing price', { price_per_minute: null }],
    ['a price that is not a number', { price_per_minute: 'four' }],
    ['a client name that is not text', { client_name: 7 }],
    ['a huge reader name', { reader_name: 'L'.repeat(501) }],
    ['a huge client name', { client_name: 'A'.repeat(10_000) }],
    ['an amount that is not a number', { amount: 'lots' }],
    ['a missing amount', { amount: undefined }],
    ['a duration that is not a number', { duration_seconds: 'long' }],
  ])('rejects a row with %s', (_case, change) => {
    expect(parseReading({ ...readingRow(), ...change })).toBeNull();
  });

  test('keeps a long but bounded name', () => {
    expect(parseReading(readingRow({ reader_name: 'L'.repeat(500) }))?.readerName).toHaveLength(500);
  });

  test.each([
    ['null', null],
    ['undefined', undefined],
    ['a string', 'reading'],
    ['a number', 1],
    ['an array', [readingRow()]],
    ['an empty object', {}],
  ])('rejects %s', (_case, value) => {
    expect(parseReading(value)).toBeNull();
  });
});

describe('parseIceServers', () => {
  const turn = {
    urls: ['turn:turn.example.org:3478?transport=udp', 'turns:turn.example.org:5349'],
    username: '1764720000:' + CLIENT_ID,
    credential: 'c2VjcmV0',
  };

  test('reads STUN servers and TURN servers with their credential, in order; none is none', () => {
    const servers = [{ urls: ['stun:stun.example.org:3478', 'stuns:stun.example.org'] }, turn];
    expect(parseIceServers(servers)).toEqual(servers);
    expect(parseIceServers([])).toEqual([]);
  });

  test.each([
    ['not a list', { urls: ['stun:stun.example.org'] }],
    ['null', null],
    ['a bare URL', ['stun:stun.example.org']],
    ['a null server', [null]],
    ['no URLs', [{ urls: [] }]],
    ['one URL as a string (the database sends lists)', [{ urls: 'stun:stun.example.org' }]],
    ['a URL of another scheme', [{ urls: ['https://stun.example.org'] }]],
    ['a scheme alone', [{ urls: ['stun:'] }]],
    ['a URL with a space', [{ urls: ['stun:stun.example.org x'] }]],
    ['a TURN server without its credential', [{ ...turn, credential: undefined }]],
    ['a TURN server without its username', [{ ...turn, username: '' }]],
    ['a credential that is not text', [{ ...turn, credential: 7 }]],
    ['a credential of megabytes', [{ ...turn, credential: 'x'.repeat(1_001) }]],
    ['a STUN server with a login', [{ urls: ['stun:stun.example.org'], username: 'u', credential: 'p' }]],
  ])('refuses %s', (_case, value) => {
    expect(parseIceServers(value)).toBeNull();
  });
});

/** The API on a fake client whose RPCs answer `answer(fn, args)`. */
function apiAnswering(answer: (fn: string, args: unknown) => FakeResult) {
  const supabase = fakeSupabase(
    () => ({ data: null, error: null }),
    (fn, args) => answer(fn, args),
  );
  return { api: createReadingsApi(() => supabase.client), rpc: supabase.rpc };
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

describe('createReadingsApi', () => {
  test.each([
    ['request', 'request_reading', { reader_id: READER_ID }, (api: ReturnType<typeof createReadingsApi>) => api.request(READER_ID)],
    [
      'answer (accept)',
      'answer_reading',
      { reading_id: READING_ID, accept: true },
      (api: ReturnType<typeof createReadingsApi>) => api.answer(READING_ID, true),
    ],
    [
      'answer (decline)',
      'answer_reading',
      { reading_id: READING_ID, accept: false },
      (api: ReturnType<typeof createReadingsApi>) => api.answer(READING_ID, false),
    ],
    ['cancel', 'cancel_reading', { reading_id: READING_ID }, (api: ReturnType<typeof createReadingsApi>) => api.cancel(READING_ID)],
    ['end', 'end_reading', { reading_id: READING_ID, reason: 'hung_up' }, (api: ReturnType<typeof createReadingsApi>) => api.end(READING_ID, 'hung_up')],
    [
      'end (connection lost)',
      'end_reading',
      { reading_id: READING_ID, reason: 'connection_lost' },
      (api: ReturnType<typeof createReadingsApi>) => api.end(READING_ID, 'connection_lost'),
    ],
    ['heartbeat', 'reading_heartbeat', { reading_id: READING_ID }, (api: ReturnType<typeof createReadingsApi>) => api.heartbeat(READING_ID)],
  ])('%s calls %s with %o and answers the reading', async (_call, fn, args, call) => {
    const { api, rpc } = apiAnswering(() => ({ data: endedRow, error: null }));
    await expect(call(api)).resolves.toMatchObject({ id: READING_ID, state: 'ended', durationSeconds: 65 });
    expect(rpc).toHaveBeenCalledTimes(1);
    expect(rpc.mock.calls[0]).toEqual([fn, args]);
  });

  test('iceServers calls reading_ice_servers with the reading and answers the servers; ones it cannot read are an error', async () => {
    const servers = [{ urls: ['stun:stun.example.org:3478'] }];
    const { api, rpc } = apiAnswering(() => ({ data: servers, error: null }));
    await expect(api.iceServers(READING_ID)).resolves.toEqual(servers);
    expect(rpc.mock.calls[0]).toEqual(['reading_ice_servers', { reading_id: READING_ID }]);
    const broken = apiAnswering(() => ({ data: [{ urls: ['turn:turn.example.org'] }], error: null }));
    await expect(broken.api.iceServers(READING_ID)).rejects.toThrow('The server answered with ICE servers this app cannot read.');
  });

  test('current calls current_reading without arguments and answers the open reading', async () => {
    const { api, rpc } = apiAnswering(() => ({ data: readingRow(), error: null }));
    await expect(api.current()).resolves.toMatchObject({ id: READING_ID, state: 'ringing' });
    expect(rpc.mock.calls[0]?.[0]).toBe('current_reading');
    expect(rpc.mock.calls[0]?.[1]).toBeUndefined();
  });

  test('current answers null for no open reading: the null composite PostgREST sends as an object of nulls, or null', async () => {
    const nullComposite = Object.fromEntries(Object.keys(readingRow()).map((key) => [key, null]));
    await expect(apiAnswering(() => ({ data: nullComposite, error: null })).api.current()).resolves.toBeNull();
    await expect(apiAnswering(() => ({ data: null, error: null })).api.current()).resolves.toBeNull();
  });

  test('a reading the app cannot read is an error, not a reading', async () => {
    const { api } = apiAnswering(() => ({ data: readingRow({ state: 'paused' }), error: null }));
    await expect(api.current()).rejects.toThrow('The server answered with a reading this app cannot read.');
    await expect(api.heartbeat(READING_ID)).rejects.toThrow('The server answered with a reading this app cannot read.');
  });

  test('a call that must answer a reading and answers none is an error', async () => {
    const { api } = apiAnswering(() => ({ data: null, error: null }));
    await expect(api.heartbeat(READING_ID)).rejects.toThrow('The server answered without the reading.');
  });

  test('history calls my_readings with the page size and keeps the rows it can read, in order', async () => {
    const second = { ...endedRow, id: 'eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee' };
    const { api, rpc } = apiAnswering(() => ({ data: [endedRow, { id: 'broken' }, second], error: null }));
    const rows = await api.history(50);
    expect(rpc.mock.calls[0]).toEqual(['my_readings', { page_size: 50 }]);
    expect(rows.map((row) => row.id)).toEqual([READING_ID, 'eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee']);
  });

  test('history without rows is an empty list', async () => {
    await expect(apiAnswering(() => ({ data: null, error: null })).api.history(10)).resolves.toEqual([]);
  });

  test("a refusal (PT409) becomes an ApiError in the database's words", async () => {
    const { api } = apiAnswering(() => ({ data: null, error: { message: 'Luna Starweaver is in another reading', code: 'PT409' }, status: 409 }));
    const error = await failure(api.request(READER_ID));
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 409, code: 'PT409', message: 'Luna Starweaver is in another reading.' });
  });

  test('no such reading (P0002) becomes an ApiError with its code, for the room to word', async () => {
    const { api } = apiAnswering(() => ({ data: null, error: { message: 'no such reading', code: 'P0002' }, status: 404 }));
    const error = await failure(api.heartbeat(READING_ID));
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 404, code: 'P0002', serverMessage: 'no such reading' });
  });
});
