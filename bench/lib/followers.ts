/**
 * What a transition to available costs when clients asked to be told: a reader with `followers`
 * clients who turned "Notify me when available" on, against a reader nobody follows. The database
 * makes one notification per follower and pushes each on the follower's own Realtime topic, in the
 * transition's transaction.
 */
import type pg from 'pg';
import { transition } from './push.ts';

export interface FollowedTransitionMeasure {
  followers: number;
  /** Medians over `repeats` readers each way: time in PostgreSQL from the choice to its recording, and the transaction's WAL. */
  followed: { ms: number; walBytes: number; notifications: number };
  unfollowed: { ms: number; walBytes: number; notifications: number };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

/** Clients numbered 1..count, made as sign-up makes them (the auth trigger creates their profiles). */
async function addClients(db: pg.Client, count: number): Promise<void> {
  await db.query(
    `insert into auth.users (id, aud, role, email, raw_user_meta_data, created_at, updated_at)
     select gen_random_uuid(), 'authenticated', 'authenticated', 'client-' || n || '@bench.test',
            jsonb_build_object('display_name', 'Client ' || n), now(), now()
     from generate_series(1, $1::int) as n
     on conflict do nothing`,
    [count],
  );
}

async function notificationsOf(db: pg.Client, readerId: string): Promise<number> {
  const {
    rows: [row],
  } = await db.query<{ count: string }>('select count(*) as count from public.availability_notifications where reader_id = $1', [readerId]);
  return Number(row!.count);
}

/** Busy first (not measured), then available: the measured transition is the one followers are told about. */
async function becomeAvailable(db: pg.Client, readerId: string) {
  await transition(db, readerId, 'busy');
  const made = await transition(db, readerId, 'available');
  return { ms: made.ms, walBytes: made.walBytes, notifications: await notificationsOf(db, readerId) };
}

/** `readers` are online readers recorded available, 2 × `repeats` of them, each used once. */
export async function measureFollowedTransitions(
  db: pg.Client,
  readers: readonly string[],
  followers: number,
  repeats = 5,
): Promise<FollowedTransitionMeasure> {
  if (readers.length < 2 * repeats) throw new Error(`the followers benchmark needs ${2 * repeats} online readers, got ${readers.length}`);
  await addClients(db, followers);
  const followedReaders = readers.slice(0, repeats);
  await db.query(
    `insert into public.favourites (client_id, reader_id, notify)
     select u.id, r.id, true
     from public.users u cross join unnest($1::uuid[]) as r(id)
     where u.display_name like 'Client %' and not u.is_reader`,
    [followedReaders],
  );
  await db.query('analyze public.favourites, public.availability_notifications');
  const followed = [];
  for (const readerId of followedReaders) followed.push(await becomeAvailable(db, readerId));
  const unfollowed = [];
  for (const readerId of readers.slice(repeats, 2 * repeats)) unfollowed.push(await becomeAvailable(db, readerId));
  const summary = (runs: Array<{ ms: number; walBytes: number; notifications: number }>) => ({
    ms: median(runs.map((run) => run.ms)),
    walBytes: median(runs.map((run) => run.walBytes)),
    notifications: median(runs.map((run) => run.notifications)),
  });
  return { followers, followed: summary(followed), unfollowed: summary(unfollowed) };
}
