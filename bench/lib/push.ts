/**
 * Push: status transitions from their commit to supabase-js clients subscribed to the
 * reader-presence channel through the gateway and the Realtime service, as browsers subscribe.
 * The subscribers share this process with the load, so their decoding is in the figures too.
 */
import { REALTIME_SUBSCRIBE_STATES, RealtimeClient, type RealtimeChannel } from '@supabase/supabase-js';
import pg from 'pg';
import ws from 'ws';
import type { BenchStack } from './bench-stack.ts';
import { currentTransactionId, transactionWalBetween, walPosition } from './database-counters.ts';
import { percentile } from './load.ts';

export interface PushMeasure {
  subscribers: number;
  /** Transitions made one at a time, each waited for at every subscriber (or for WAIT_MS). */
  transitions: number;
  /** From sending the transition's COMMIT to a subscriber's handler, over every delivery. */
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  /** Deliveries that did not arrive within WAIT_MS of their commit. */
  lost: number;
  /** Transitions committed as fast as four connections can, and every delivery of them counted. */
  burst: { transitions: number; deliveries: number; seconds: number; deliveriesPerSecond: number };
  /** One transition in PostgreSQL with its broadcast and with the broadcast trigger disabled (medians). */
  /** Medians; `broadcastWalBytes` is the part of the transaction's WAL that went into realtime.messages. */
  transitionCost: { withPush: TransitionCost; withoutPush: TransitionCost };
}

export interface TransitionCost {
  ms: number;
  walBytes: number;
  broadcastWalBytes: number;
}

/** Longest wait for one transition's deliveries before it counts the missing ones as lost. */
const WAIT_MS = 5_000;
const JOIN_BATCH = 50;

interface Subscriber {
  client: RealtimeClient;
  channel: RealtimeChannel;
}

type Deliveries = Map<string, number[]>;
const keyOf = (readerId: string, status: string) => `${readerId}:${status}`;

function subscribe(stack: BenchStack, onStatus: (readerId: string, status: string) => void): Promise<Subscriber> {
  const client = new RealtimeClient(`${stack.apiUrl.replace(/^http/, 'ws')}/realtime/v1`, {
    params: { apikey: stack.anonKey },
    transport: ws as never,
  });
  const channel = client
    .channel('reader-presence', { config: { private: true } })
    .on('broadcast', { event: 'status' }, ({ payload }: { payload: { reader_id: string; status: string } }) => onStatus(payload.reader_id, payload.status));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('a subscriber did not join within 30 s')), 30_000);
    channel.subscribe((state, error) => {
      if (state === REALTIME_SUBSCRIBE_STATES.SUBSCRIBED) {
        clearTimeout(timer);
        resolve({ client, channel });
      } else if (state === REALTIME_SUBSCRIBE_STATES.CHANNEL_ERROR || state === REALTIME_SUBSCRIBE_STATES.TIMED_OUT) {
        clearTimeout(timer);
        reject(error ?? new Error(`a subscriber's join ended ${state}`));
      }
    });
  });
}

async function subscribeAll(stack: BenchStack, count: number, deliveries: Deliveries): Promise<Subscriber[]> {
  const record = (readerId: string, status: string) => {
    const at = performance.now();
    deliveries.get(keyOf(readerId, status))?.push(at);
  };
  const subscribers: Subscriber[] = [];
  for (let joined = 0; joined < count; joined += JOIN_BATCH) {
    const batch = Math.min(JOIN_BATCH, count - joined);
    subscribers.push(...(await Promise.all(Array.from({ length: batch }, () => subscribe(stack, record)))));
  }
  return subscribers;
}

/** A reader's choice and its recording, as set_reader_status does them, committed by the caller. */
const CHOOSE = `
  insert into private.reader_presence as p (reader_id, chosen_status, chosen_at, expires_at)
  values ($1, $2::public.presence_status, now(), case when $2::public.presence_status = 'busy' then now() + interval '1 hour' end)
  on conflict (reader_id) do update set chosen_status = excluded.chosen_status, status_message = null,
    chosen_at = excluded.chosen_at, expires_at = excluded.expires_at`;
const SETTLE = `select (private.settle_presence($1, 'reader_choice')).status::text as status`;

/** One transition of one reader in its own transaction: when its COMMIT was sent, its time in PostgreSQL, its WAL. */
export async function transition(db: pg.Client, readerId: string, status: 'busy' | 'available'): Promise<TransitionCost & { committedAt: number }> {
  const from = await walPosition(db);
  await db.query('begin');
  const started = performance.now();
  await db.query(CHOOSE, [readerId, status]);
  const {
    rows: [settled],
  } = await db.query<{ status: string }>(SETTLE, [readerId]);
  const ms = performance.now() - started;
  if (settled?.status !== status) throw new Error(`reader ${readerId} is ${settled?.status}, not ${status}: the push benchmark needs online readers`);
  const xid = await currentTransactionId(db);
  const committedAt = performance.now();
  await db.query('commit');
  const wal = await transactionWalBetween(db, xid, from, await walPosition(db), ['realtime.messages']);
  return { committedAt, ms, walBytes: wal.bytes, broadcastWalBytes: wal.bytesInto };
}

async function waitFor(received: number[], count: number, deadline: number): Promise<void> {
  while (received.length < count && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 2));
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

const medianCost = (made: readonly TransitionCost[]): TransitionCost => ({
  ms: median(made.map((one) => one.ms)),
  walBytes: median(made.map((one) => one.walBytes)),
  broadcastWalBytes: median(made.map((one) => one.broadcastWalBytes)),
});

/** Messages of realtime.messages on the presence topic: heartbeats must add none. */
export async function presencePushCount(db: pg.Client): Promise<number> {
  const {
    rows: [row],
  } = await db.query<{ count: string }>(`select count(*) as count from realtime.messages where topic = private.presence_push_topic()`);
  return Number(row!.count);
}

/**
 * `readers` are online readers (a live device each) recorded available; each is used for one
 * transition to busy at most and is left busy.
 */
export async function measurePush(
  stack: BenchStack,
  db: pg.Client,
  readers: readonly string[],
  { subscribers: subscriberCount, transitions, burst }: { subscribers: number; transitions: number; burst: number },
): Promise<PushMeasure> {
  if (readers.length < 2 * transitions + burst) throw new Error(`the push benchmark needs ${2 * transitions + burst} online readers, got ${readers.length}`);
  const deliveries: Deliveries = new Map();
  const subscribers = await subscribeAll(stack, subscriberCount, deliveries);
  try {
    const latencies: number[] = [];
    const withPush: TransitionCost[] = [];
    let lost = 0;
    for (const readerId of readers.slice(0, transitions)) {
      const received: number[] = [];
      deliveries.set(keyOf(readerId, 'busy'), received);
      const made = await transition(db, readerId, 'busy');
      withPush.push(made);
      await waitFor(received, subscriberCount, made.committedAt + WAIT_MS);
      latencies.push(...received.map((at) => at - made.committedAt));
      lost += subscriberCount - received.length;
      deliveries.delete(keyOf(readerId, 'busy'));
    }

    const withoutPush: TransitionCost[] = [];
    await db.query('alter table public.presence_audit_log disable trigger push_recorded_transitions');
    try {
      for (const readerId of readers.slice(transitions, 2 * transitions)) withoutPush.push(await transition(db, readerId, 'busy'));
    } finally {
      await db.query('alter table public.presence_audit_log enable trigger push_recorded_transitions');
    }

    const burstReaders = readers.slice(2 * transitions, 2 * transitions + burst);
    const burstReceived: number[] = [];
    for (const readerId of burstReaders) deliveries.set(keyOf(readerId, 'busy'), burstReceived);
    const burstStarted = performance.now();
    await Promise.all(
      [0, 1, 2, 3].map(async (lane) => {
        const connection = new pg.Client({ connectionString: stack.dbUrl });
        await connection.connect();
        try {
          for (let index = lane; index < burstReaders.length; index += 4) await transition(connection, burstReaders[index]!, 'busy');
        } finally {
          await connection.end();
        }
      }),
    );
    await waitFor(burstReceived, burstReaders.length * subscriberCount, performance.now() + 30_000);
    const burstSeconds = (burstReceived.reduce((last, at) => Math.max(last, at), burstStarted) - burstStarted) / 1000;

    latencies.sort((a, b) => a - b);
    return {
      subscribers: subscriberCount,
      transitions,
      latencyMs: { p50: percentile(latencies, 0.5), p95: percentile(latencies, 0.95), p99: percentile(latencies, 0.99), max: latencies.at(-1) ?? 0 },
      lost,
      burst: {
        transitions: burstReaders.length,
        deliveries: burstReceived.length,
        seconds: burstSeconds,
        deliveriesPerSecond: burstSeconds > 0 ? burstReceived.length / burstSeconds : 0,
      },
      transitionCost: { withPush: medianCost(withPush), withoutPush: medianCost(withoutPush) },
    };
  } finally {
    await Promise.all(subscribers.map(({ client }) => client.disconnect()));
  }
}
