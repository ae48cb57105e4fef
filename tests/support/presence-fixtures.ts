/**
 * Presence set-ups written straight into the database, for tests that need a reader in a given
 * state without waiting for the clock: a device heard N ago with its last input M ago, a choice in
 * force, a clean slate. Everything goes through a `query(text, values)` function, so the same
 * helpers serve `(text, values) => sql(stack, text, values)` (a connection per call) and a
 * `pg.Client` (`(text, values) => client.query(text, values)`), including one inside a
 * transaction: there `now()` is the transaction's, so "heard exactly five minutes ago" is exact.
 *
 * Times are PostgreSQL intervals before the database's now() ('4 minutes 59 seconds',
 * '5 minutes 0.000001 seconds'), never the test machine's clock. The helpers write what a device
 * or a choice is made of and nothing else: they record no transition and write no audit row, so a
 * test decides what is recorded (`recordAsIs`) and what the jobs or the API should record.
 */
import { randomUUID } from 'node:crypto';

export type PresenceStatus = 'available' | 'busy' | 'away' | 'offline';

type Row = Record<string, unknown>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `sql(stack, …)`'s rows, or a pg.Client's result: both work. */
export type PresenceQuery = (text: string, values?: unknown[]) => Promise<Row[] | { rows: Row[] }>;

/** Marks the auth sessions these helpers create, so that resetPresence removes them and no others. */
export const FIXTURE_SESSION_TAG = 'presence-fixture';

async function rows<T extends Row>(query: PresenceQuery, text: string, values: unknown[] = []): Promise<T[]> {
  const result = await query(text, values);
  return (Array.isArray(result) ? result : result.rows) as T[];
}

export interface DeviceOptions {
  /** How long before now() the device was last heard; default '0 seconds' (just now). */
  heardAgo?: string;
  /** How long before now() the device last had input; default the same as heardAgo. */
  inputAgo?: string;
  /** The auth session that is the device; a new one is made when not given. */
  sessionId?: string;
}

/**
 * Gives a reader a device: a new auth session (as a sign-in makes) and its row in
 * private.reader_devices. Returns the session id. What the reader looks like afterwards is for the
 * rule to say (private.reader_presence_now); nothing is recorded.
 */
export async function giveDevice(query: PresenceQuery, readerId: string, options: DeviceOptions = {}): Promise<string> {
  const sessionId = options.sessionId ?? randomUUID();
  const heardAgo = options.heardAgo ?? '0 seconds';
  const inputAgo = options.inputAgo ?? heardAgo;
  await rows(
    query,
    `insert into auth.sessions (id, user_id, created_at, updated_at, aal, tag)
     values ($1, $2, now(), now(), 'aal1', $3)
     on conflict (id) do nothing`,
    [sessionId, readerId, FIXTURE_SESSION_TAG],
  );
  await rows(
    query,
    `insert into private.reader_devices (session_id, reader_id, last_seen_at, last_input_at)
     values ($1, $2, now() - $3::interval, now() - $4::interval)
     on conflict (session_id) do update set last_seen_at = excluded.last_seen_at, last_input_at = excluded.last_input_at`,
    [sessionId, readerId, heardAgo, inputAgo],
  );
  return sessionId;
}

/** Moves an existing device's clocks, e.g. a device the API made, to '6 minutes' ago. */
export async function ageDevice(query: PresenceQuery, sessionId: string, ages: { heardAgo?: string; inputAgo?: string }): Promise<void> {
  await rows(
    query,
    `update private.reader_devices
     set last_seen_at = coalesce(now() - $2::interval, last_seen_at),
         last_input_at = coalesce(now() - $3::interval, last_input_at)
     where session_id = $1`,
    [sessionId, ages.heardAgo ?? null, ages.inputAgo ?? null],
  );
}

export interface ChoiceOptions {
  message?: string | null;
  /** When the choice ends, as an interval from now() ('2 hours'; '-1 minute' for one already ended); null: never. */
  expiresIn?: string | null;
  /** When it was chosen, before now(); default '0 seconds'. */
  chosenAgo?: string;
}

/**
 * Sets a reader's choice directly (as set_reader_status stores it, without its checks or its
 * recording). `expiresIn` null means no end, also for busy: set_reader_status would give busy two
 * hours, this does exactly what it is told.
 */
export async function setChoice(query: PresenceQuery, readerId: string, status: PresenceStatus, options: ChoiceOptions = {}): Promise<void> {
  await rows(
    query,
    `insert into private.reader_presence as p (reader_id, chosen_status, status_message, chosen_at, expires_at)
     values ($1, $2, $3, now() - $4::interval, now() + $5::interval)
     on conflict (reader_id) do update
     set chosen_status = excluded.chosen_status, status_message = excluded.status_message,
         chosen_at = excluded.chosen_at, expires_at = excluded.expires_at`,
    [readerId, status, options.message ?? null, options.chosenAgo ?? '0 seconds', options.expiresIn ?? null],
  );
}

/**
 * Records readers' current status (what the rule says now) as users.recorded_status, without an
 * audit row: the state after the writers and the jobs have caught up. All readers when none given.
 */
export async function recordAsIs(query: PresenceQuery, readerIds?: string[]): Promise<void> {
  await rows(
    query,
    `update public.users u set recorded_status = n.status
     from private.reader_presence_now n
     where n.reader_id = u.id and u.recorded_status <> n.status and ($1::uuid[] is null or u.id = any ($1))`,
    [readerIds ?? null],
  );
}

/** Sets what a reader's status was last recorded as, without an audit row (e.g. available before time passed). */
export async function recordStatus(query: PresenceQuery, readerId: string, status: PresenceStatus): Promise<void> {
  await rows(query, 'update public.users set recorded_status = $2 where id = $1', [readerId, status]);
}

/**
 * A clean slate: no devices (the fixture's sessions go too; sessions a test signed in with stay,
 * so their clients can report again), no choices or "last seen", no audit rows, everyone recorded
 * offline, no recorded directory counts. All readers when none are given.
 */
export async function resetPresence(query: PresenceQuery, readerIds?: string[]): Promise<void> {
  const badId = readerIds?.find((id) => !UUID.test(id));
  if (badId !== undefined) throw new Error(`resetPresence: ${JSON.stringify(badId)} is not a reader id`);
  const ids = readerIds ? `array[${readerIds.map((id) => `'${id}'`).join(', ')}]::uuid[]` : 'null::uuid[]';
  // One query without parameters: PostgreSQL runs its statements as one transaction, which locks the
  // readers' rows first, in id order, as the presence functions do, so a browser still sending
  // heartbeats cannot deadlock with the reset.
  await query(`
    select from public.users where is_reader and (${ids} is null or id = any (${ids})) order by id for update;
    delete from private.reader_devices where ${ids} is null or reader_id = any (${ids});
    delete from auth.sessions where tag = '${FIXTURE_SESSION_TAG}' and (${ids} is null or user_id = any (${ids}));
    delete from private.reader_presence where ${ids} is null or reader_id = any (${ids});
    delete from public.presence_audit_log where ${ids} is null or user_id = any (${ids});
    update public.users set recorded_status = 'offline' where recorded_status <> 'offline' and (${ids} is null or id = any (${ids}));
    delete from private.reader_directory_stats;
  `);
}

export interface PresenceNow {
  status: PresenceStatus;
  recorded_status: PresenceStatus;
  chosen_status: PresenceStatus | null;
  status_message: string | null;
  live_devices: number;
}

/** A reader's presence as the rule computes it now (private.reader_presence_now). */
export async function presenceNow(query: PresenceQuery, readerId: string): Promise<PresenceNow> {
  const [found] = await rows<PresenceNow & Row>(
    query,
    `select status::text, recorded_status::text, chosen_status::text, status_message, live_devices
     from private.reader_presence_now where reader_id = $1`,
    [readerId],
  );
  if (!found) throw new Error(`${readerId} is not a reader`);
  return found;
}

export interface AuditRow {
  old_status: PresenceStatus;
  new_status: PresenceStatus;
  cause: string;
}

/** A reader's audit rows, oldest first. */
export async function auditOf(query: PresenceQuery, readerId: string): Promise<AuditRow[]> {
  return rows<AuditRow & Row>(
    query,
    `select old_status::text, new_status::text, cause
     from public.presence_audit_log where user_id = $1 order by changed_at, id`,
    [readerId],
  );
}

/**
 * Approves these users' reader applications as an admin would (users.is_reader follows). A listed
 * name is unique, so two approved readers cannot share one.
 */
export async function approveReaderApplications(query: PresenceQuery, ids: readonly string[]): Promise<void> {
  await rows(query, `update public.reader_applications set status = 'approved', decided_at = now() where applicant_id = any ($1::uuid[])`, [ids]);
}

/**
 * A new reader made as sign-up makes one (no password: for SQL-side tests), approved. Returns the
 * id. The name is made unique unless given (listed names are).
 */
export async function createReader(query: PresenceQuery, displayName?: string): Promise<string> {
  const id = randomUUID();
  await rows(
    query,
    `insert into auth.users (id, aud, role, email, raw_user_meta_data, created_at, updated_at)
     values ($1, 'authenticated', 'authenticated', $2, jsonb_build_object('display_name', $3::text, 'is_reader', true), now(), now())`,
    [id, `reader-${id}@fixture.test`, displayName ?? `Fixture Reader ${id.slice(0, 8)}`],
  );
  await approveReaderApplications(query, [id]);
  return id;
}
