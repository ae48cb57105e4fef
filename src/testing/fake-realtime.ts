import type { RealtimeChannel } from '@supabase/supabase-js';
import { vi } from 'vitest';
import type { RealtimeClient } from '@/lib/create-supabase-client';

type SubscribeStatus = 'SUBSCRIBED' | 'TIMED_OUT' | 'CLOSED' | 'CHANNEL_ERROR';

/** A Realtime channel the test drives: `status(...)` is what supabase-js tells subscribe's callback, `broadcast(...)` a message. */
export class FakeChannel {
  readonly handlers: { event: string; callback: (message: { payload: unknown }) => void }[] = [];
  private onStatus: ((status: SubscribeStatus) => void) | undefined;
  removed = false;

  constructor(
    readonly name: string,
    readonly options: unknown,
  ) {}

  on(type: string, filter: { event: string }, callback: (message: { payload: unknown }) => void) {
    if (type === 'broadcast') this.handlers.push({ event: filter.event, callback });
    return this;
  }

  subscribe(callback: (status: SubscribeStatus) => void) {
    this.onStatus = callback;
    return this;
  }

  get subscribed() {
    return this.onStatus !== undefined && !this.removed;
  }

  status(status: SubscribeStatus) {
    this.onStatus?.(status);
  }

  broadcast(event: string, payload: unknown) {
    for (const handler of this.handlers) if (handler.event === event) handler.callback({ payload });
  }
}

/** The realtime part of a Supabase client: every channel made, and removeChannel, which closes it as supabase-js does. */
export function fakeRealtime() {
  const channels: FakeChannel[] = [];
  const channel = vi.fn((name: string, options?: unknown) => {
    const made = new FakeChannel(name, options);
    channels.push(made);
    return made as unknown as RealtimeChannel;
  });
  const removeChannel = vi.fn((removed: RealtimeChannel) => {
    const fake = removed as unknown as FakeChannel;
    fake.removed = true;
    fake.status('CLOSED');
    return Promise.resolve('ok' as const);
  });
  return {
    client: { channel, removeChannel } as unknown as RealtimeClient,
    channels,
    removeChannel,
    /** The channel made last. */
    get channel(): FakeChannel {
      const last = channels.at(-1);
      if (!last) throw new Error('no channel was made');
      return last;
    },
  };
}
