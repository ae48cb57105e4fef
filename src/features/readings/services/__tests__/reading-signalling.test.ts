import { describe, expect, test, vi } from 'vitest';
import type { RealtimeChannel } from '@supabase/supabase-js';
import { createReadingSignalling, readingChannelTopic } from '@/features/readings/services/reading-signalling';

const READING = '3f0c8a52-6a55-4f8e-9a7e-2f4b8c1d0e9a';

type SubscribeStatus = 'SUBSCRIBED' | 'TIMED_OUT' | 'CLOSED' | 'CHANNEL_ERROR';

// src/testing/fake-realtime.ts delivers by exact event name and without it; the call listens to
// every event ('*') and needs each one's name, and sends.
function fakeClient(sendResult: 'ok' | 'timed out' | 'error' = 'ok') {
  let listener: { type: string; filter: { event: string }; callback: (message: { event: string; payload: unknown }) => void } | undefined;
  let reportStatus: (status: SubscribeStatus) => void = () => {};
  const channel = {
    on: vi.fn((type: string, filter: { event: string }, callback: (message: { event: string; payload: unknown }) => void) => {
      listener = { type, filter, callback };
      return channel;
    }),
    subscribe: vi.fn((callback: (status: SubscribeStatus) => void) => {
      reportStatus = callback;
      return channel;
    }),
    send: vi.fn((_message: unknown) => Promise.resolve(sendResult)),
  };
  const client = {
    channel: vi.fn((_topic: string, _options: unknown) => channel as unknown as RealtimeChannel),
    removeChannel: vi.fn((_channel: RealtimeChannel) => {
      reportStatus('CLOSED');
      return Promise.resolve('ok' as const);
    }),
  };
  return {
    client,
    channel,
    listener: () => listener,
    broadcast: (event: string, payload: unknown) => listener?.callback({ event, payload }),
    status: (status: SubscribeStatus) => reportStatus(status),
  };
}

describe('createReadingSignalling', () => {
  test("joins the reading's private topic, without its own echo and with acknowledged sends", () => {
    const fake = fakeClient();
    createReadingSignalling(fake.client, READING);
    expect(readingChannelTopic(READING)).toBe(`reading:${READING}`);
    expect(fake.client.channel).toHaveBeenCalledWith(`reading:${READING}`, { config: { private: true, broadcast: { self: false, ack: true } } });
    expect(fake.listener()).toMatchObject({ type: 'broadcast', filter: { event: '*' } });
    expect(fake.channel.subscribe).not.toHaveBeenCalled();
  });

  test('hands every broadcast, with its event name, to the message handler', () => {
    const fake = fakeClient();
    const signalling = createReadingSignalling(fake.client, READING);
    const handler = vi.fn();
    signalling.onMessage(handler);
    fake.broadcast('offer', { session: 's', sdp: 'v=0' });
    fake.broadcast('whatever', 'not even an object');
    expect(handler.mock.calls).toEqual([
      ['offer', { session: 's', sdp: 'v=0' }],
      ['whatever', 'not even an object'],
    ]);
  });

  test('reports each change of subscription, once', () => {
    const fake = fakeClient();
    const signalling = createReadingSignalling(fake.client, READING);
    const handler = vi.fn();
    signalling.onStatus(handler);
    signalling.subscribe();
    fake.status('SUBSCRIBED');
    fake.status('SUBSCRIBED');
    fake.status('CHANNEL_ERROR');
    fake.status('TIMED_OUT');
    fake.status('SUBSCRIBED');
    expect(handler.mock.calls).toEqual([[true], [false], [true]]);
  });

  test('sends a broadcast, and fails when Realtime does not acknowledge it', async () => {
    const fake = fakeClient();
    const signalling = createReadingSignalling(fake.client, READING);
    await signalling.send('hello', { session: 's' });
    expect(fake.channel.send).toHaveBeenCalledWith({ type: 'broadcast', event: 'hello', payload: { session: 's' } });

    const refusing = fakeClient('timed out');
    await expect(createReadingSignalling(refusing.client, READING).send('bye', { session: 's' })).rejects.toThrow('The "bye" signal was not sent: timed out.');
  });

  test('closing removes the channel, and nothing is reported after it', async () => {
    const fake = fakeClient();
    const signalling = createReadingSignalling(fake.client, READING);
    const onStatus = vi.fn();
    const onMessage = vi.fn();
    signalling.onStatus(onStatus);
    signalling.onMessage(onMessage);
    signalling.subscribe();
    fake.status('SUBSCRIBED');
    await signalling.close();
    expect(fake.client.removeChannel).toHaveBeenCalledWith(fake.channel);
    fake.broadcast('bye', { session: 's' });
    expect(onStatus.mock.calls).toEqual([[true]]);
    expect(onMessage).not.toHaveBeenCalled();
  });
});
