import { REALTIME_SUBSCRIBE_STATES } from '@supabase/supabase-js';
import type { AppSupabaseClient } from '@/lib/create-supabase-client';
import type { SignallingChannel } from '@/features/readings/services/reading-call';

/** The events of a call's signalling, as ReadingCall sends and reads them. */
export const READING_SIGNAL_EVENTS = ['hello', 'offer', 'answer', 'ice', 'bye'] as const;
export type SignalEvent = (typeof READING_SIGNAL_EVENTS)[number];

/** The reading's private topic: the database lets only its two participants join and send, and only while it is live. */
export const readingChannelTopic = (readingId: string) => `reading:${readingId}`;

// self: false, since a page has no use for its own signals; ack: true, so that send settles only
// once Realtime took the message, and a refused or lost one is an error the call can log.
const CHANNEL_OPTIONS = { config: { private: true, broadcast: { self: false, ack: true } } };

/** The reading's signalling over Supabase Realtime broadcast. Payloads arrive unchecked: ReadingCall validates them. */
export function createReadingSignalling(client: Pick<AppSupabaseClient, 'channel' | 'removeChannel'>, readingId: string): SignallingChannel {
  const channel = client.channel(readingChannelTopic(readingId), CHANNEL_OPTIONS);
  let handleMessage: (event: string, payload: unknown) => void = () => {};
  let handleStatus: (subscribed: boolean) => void = () => {};
  let subscribed = false;
  let closed = false;

  channel.on('broadcast', { event: '*' }, ({ event, payload }: { event: string; payload?: unknown }) => {
    if (!closed) handleMessage(event, payload);
  });

  return {
    async send(event, payload) {
      const result = await channel.send({ type: 'broadcast', event, payload });
      if (result !== 'ok') throw new Error(`The "${event}" signal was not sent: ${result}.`);
    },
    onMessage(handler) {
      handleMessage = handler;
    },
    onStatus(handler) {
      handleStatus = handler;
    },
    // supabase-js rejoins by itself after the socket drops; each change is reported.
    subscribe() {
      channel.subscribe((status) => {
        const now = status === REALTIME_SUBSCRIBE_STATES.SUBSCRIBED;
        if (closed || now === subscribed) return;
        subscribed = now;
        handleStatus(now);
      });
    },
    async close() {
      closed = true;
      await client.removeChannel(channel);
    },
  };
}
