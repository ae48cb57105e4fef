/**
 * Who receives a broadcast: the channels joined to a topic, public and private apart (Realtime's
 * `Tenants.tenant_topic(tenant, sub_topic, public?)`), each message encoded once per protocol version
 * and sent to every subscriber (lib/realtime_web/channels/realtime_channel/message_dispatcher.ex).
 */
import { encodeMessage, encodeUserBroadcast, type Vsn } from './frames.ts';

export interface Subscriber {
  readonly vsn: Vsn;
  /** The channel's topic as joined, `realtime:<name>`. */
  readonly topic: string;
  /** Private channels deliver broadcasts only when the token's role may read them. */
  readonly receivesBroadcasts: boolean;
  readonly selfBroadcast: boolean;
  send(frame: string | Buffer): void;
}

/** A broadcast: a JSON payload as the client pushed it, or a user broadcast kept as bytes (binary pushes, database rows). */
export type Broadcast =
  { kind: 'json'; payload: object } | { kind: 'user'; event: string; encoding: 'json' | 'binary'; data: Buffer; metadata?: Record<string, unknown> };

export function subscriptionKey(subTopic: string, isPrivate: boolean): string {
  return `${isPrivate ? 'private' : 'public'}:${subTopic}`;
}

/** The frame for one protocol version, or undefined when that version cannot carry it (binary to vsn 1.0.0). */
export function encodeBroadcast(broadcast: Broadcast, topic: string, vsn: Vsn): string | Buffer | undefined {
  if (broadcast.kind === 'json') return encodeMessage(vsn, null, null, topic, 'broadcast', broadcast.payload);
  if (vsn === '2.0.0') return encodeUserBroadcast(topic, broadcast.event, broadcast.encoding, broadcast.data, broadcast.metadata);
  if (broadcast.encoding !== 'json') return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(broadcast.data.toString('utf8'));
  } catch {
    return undefined;
  }
  return encodeMessage(vsn, null, null, topic, 'broadcast', {
    event: broadcast.event,
    payload,
    type: 'broadcast',
    ...(broadcast.metadata ? { meta: broadcast.metadata } : {}),
  });
}

export class Subscriptions {
  private readonly byKey = new Map<string, Set<Subscriber>>();

  add(key: string, subscriber: Subscriber): void {
    let subscribers = this.byKey.get(key);
    if (!subscribers) this.byKey.set(key, (subscribers = new Set()));
    subscribers.add(subscriber);
  }

  remove(key: string, subscriber: Subscriber): void {
    const subscribers = this.byKey.get(key);
    if (!subscribers) return;
    subscribers.delete(subscriber);
    if (subscribers.size === 0) this.byKey.delete(key);
  }

  /** Sends to every subscriber of `key`, the sender only if it asked for its own broadcasts. Returns how many got it. */
  deliver(key: string, broadcast: Broadcast, from?: Subscriber): number {
    const subscribers = this.byKey.get(key);
    if (!subscribers) return 0;
    const frames = new Map<string, string | Buffer | undefined>();
    let delivered = 0;
    for (const subscriber of subscribers) {
      if ((subscriber === from && !subscriber.selfBroadcast) || !subscriber.receivesBroadcasts) continue;
      const cacheKey = `${subscriber.vsn} ${subscriber.topic}`;
      if (!frames.has(cacheKey)) frames.set(cacheKey, encodeBroadcast(broadcast, subscriber.topic, subscriber.vsn));
      const frame = frames.get(cacheKey);
      if (frame === undefined) continue;
      subscriber.send(frame);
      delivered += 1;
    }
    return delivered;
  }

  get size(): number {
    let count = 0;
    for (const subscribers of this.byKey.values()) count += subscribers.size;
    return count;
  }
}
