import Serializer from '@supabase/realtime-js/dist/main/lib/serializer.js';
import { describe, expect, test } from 'vitest';
import { decodeFrame, encodeUserBroadcast, isUserBroadcastPush } from '../frames.ts';

/** The client's own serializer (realtime-js 2.109.0), so each frame is checked against what it really sends and reads. */
const client = new Serializer();

function encodedByClient(message: object): Buffer {
  const encoded = client.encode(message as never, (result: unknown) => result) as unknown as ArrayBuffer | string;
  return typeof encoded === 'string' ? Buffer.from(encoded) : Buffer.from(encoded);
}

describe('frames', () => {
  test('a broadcast the client encodes as a binary user broadcast push is decoded with its event and JSON payload', () => {
    const frame = encodedByClient({
      join_ref: '1',
      ref: '2',
      topic: 'realtime:room',
      event: 'broadcast',
      payload: { type: 'broadcast', event: 'hello', payload: { a: 1 } },
    });
    const decoded = decodeFrame(frame, true, '2.0.0');
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(decoded.message).toMatchObject({ joinRef: '1', ref: '2', topic: 'realtime:room', event: 'broadcast' });
    const payload = decoded.message.payload;
    expect(isUserBroadcastPush(payload) && { event: payload.event, encoding: payload.encoding, data: JSON.parse(payload.data.toString()) as unknown }).toEqual({
      event: 'hello',
      encoding: 'json',
      data: { a: 1 },
    });
  });

  test('a user broadcast the server encodes is read by the client as a broadcast with its meta', () => {
    const frame = encodeUserBroadcast('realtime:room', 'hello', 'json', Buffer.from('{"a":1}'), { id: 'x' })!;
    const buffer = frame.buffer.slice(frame.byteOffset, frame.byteOffset + frame.byteLength);
    const decoded = client.decode(buffer as ArrayBuffer, (message: unknown) => message) as unknown;
    expect(decoded).toEqual({
      join_ref: null,
      ref: null,
      topic: 'realtime:room',
      event: 'broadcast',
      payload: { type: 'broadcast', event: 'hello', payload: { a: 1 }, meta: { id: 'x' } },
    });
  });

  test.each([
    ['garbage text', Buffer.from('nope'), false],
    ['a V2 frame too short', Buffer.from('[1,2]'), false],
    ['a topic that is not a string', Buffer.from('[null,null,1,"x",{}]'), false],
    ['an unknown binary kind', Buffer.from([9, 0, 0]), true],
    ['a binary frame shorter than its header', Buffer.from([3, 200, 200, 200, 200, 200, 1]), true],
  ])('refuses %s', (_name, frame, isBinary) => {
    expect(decodeFrame(frame, isBinary, '2.0.0').ok).toBe(false);
  });

  test('vsn 1.0.0 reads JSON objects', () => {
    expect(decodeFrame(Buffer.from('{"topic":"phoenix","event":"heartbeat","payload":{},"ref":"1"}'), false, '1.0.0')).toEqual({
      ok: true,
      message: { joinRef: null, ref: '1', topic: 'phoenix', event: 'heartbeat', payload: {} },
    });
  });
});
