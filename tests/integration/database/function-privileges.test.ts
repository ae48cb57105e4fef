/**
 * What the API roles may execute, read and write, as explicit allow-lists read from the catalog: a
 * migration that grants something new, or forgets to revoke something, changes a list here and
 * fails until the list is changed on purpose. The behaviour behind the lists (refusals through the
 * API) is in presence-security.test.ts.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunningStack } from '../../../local-stack/stack.ts';
import { sql, startTestStack } from '../../support/test-stack.ts';

let stack: RunningStack;

beforeAll(async () => {
  stack = await startTestStack({ seed: false, presenceJobs: false });
});

afterAll(async () => {
  await stack?.stop();
});

type Role = 'anon' | 'authenticated' | 'service_role';

/** Every function of the app's schemas the role can execute, as `schema.name(args)` (public unqualified). */
async function executableBy(role: Role): Promise<string[]> {
  const rows = await sql<{ fn: string }>(
    stack,
    `select p.oid::regprocedure::text as fn
     from pg_proc p
     where p.pronamespace in ('public'::regnamespace, 'private'::regnamespace)
       and has_function_privilege($1, p.oid, 'execute')
     order by 1`,
    [role],
  );
  return rows.map((row) => row.fn);
}

/** Every table, view and sequence of the app's schemas on which the role has any privilege, with them. */
async function relationPrivilegesOf(role: Role): Promise<Record<string, string[]>> {
  const rows = await sql<{ relation: string; privileges: string[] }>(
    stack,
    `select c.oid::regclass::text as relation,
            array_agg(p.privilege order by p.privilege) as privileges
     from pg_class c
     cross join unnest(array['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) as p (privilege)
     where c.relnamespace in ('public'::regnamespace, 'private'::regnamespace)
       and c.relkind in ('r', 'v', 'm', 'S', 'p')
       and has_table_privilege($1, c.oid, p.privilege)
     group by 1
     order by 1`,
    [role],
  );
  return Object.fromEntries(rows.map((row) => [row.relation, row.privileges]));
}

/** Columns the role may write with this privilege (UPDATE or INSERT), also where it may not write the whole table. */
async function writableColumnsOf(role: Role, table: string, privilege: 'UPDATE' | 'INSERT'): Promise<string[]> {
  const rows = await sql<{ name: string }>(
    stack,
    `select a.attname as name from pg_attribute a
     where a.attrelid = $2::regclass and a.attnum > 0 and not a.attisdropped
       and has_column_privilege($1, a.attrelid, a.attnum, $3)
     order by a.attnum`,
    [role, table, privilege],
  );
  return rows.map((row) => row.name);
}

const updatableColumnsOf = (role: Role, table: string) => writableColumnsOf(role, table, 'UPDATE');
const insertableColumnsOf = (role: Role, table: string) => writableColumnsOf(role, table, 'INSERT');

// The pure parts of the rule: reader_cards calls them, and a view checks the functions it calls
// against whoever reads it. They read nothing and write nothing.
const THE_RULE = [
  'private.choice_in_force(presence_status,timestamp with time zone,timestamp with time zone)',
  'private.device_is_live(timestamp with time zone,timestamp with time zone)',
  'private.presence_auto_away_after()',
  'private.presence_online_threshold()',
  'private.presence_status_at(presence_status,timestamp with time zone,timestamp with time zone,timestamp with time zone,timestamp with time zone)',
  'private.public_last_seen_at(presence_status,timestamp with time zone,timestamp with time zone,timestamp with time zone,timestamp with time zone)',
];

// The check of the text domains (display_name, specialty, status_message): a domain's check runs as
// whoever writes the value. Pure as well.
const THE_LINE_RULE = ['private.is_plain_line(text)', 'private.line_breaking_characters()'];

// The topic the policy on realtime.messages names: Realtime checks it as the role joining the channel.
const THE_PUSH_TOPIC = ['private.presence_push_topic()'];

// The check of the time zone domain (reader_schedules.time_zone), run as whoever writes a zone:
// readers and ops. It reads the list of time zones, nothing of anyone's.
const THE_TIME_ZONE_RULE = ['private.is_known_time_zone(text)'];

// What visitors may call.
const PUBLIC_READS = [
  'get_readers_online_status(uuid[])',
  'is_online(users)',
  'last_seen_at(users)',
  'reader_directory_summary()',
  ...THE_RULE,
  ...THE_LINE_RULE,
];

// A signed-in reader's presence path (each refuses anyone who is not a reader with a session).
const PRESENCE_PATH = [
  'my_presence()',
  'reader_go_offline()',
  'reader_heartbeat(integer)',
  'report_presence_failures(integer,timestamp with time zone,timestamp with time zone)',
  'set_reader_status(presence_status,text,timestamp with time zone)',
];

// A signed-in client's favourites page and notifications (each acts on the caller's own rows only).
const CLIENT_PATH = ['favourite_reader_cards(integer,integer)', 'mark_availability_notifications_read(bigint[])'];

// Applying to be a reader, and what only admins may do (each checks private.is_admin(), which row
// policies call as the signed-in user).
const APPLICATIONS = ['apply_as_reader()', 'decide_reader_application(uuid,boolean,text)', 'private.is_admin()', 'set_admin(uuid,boolean)'];

// The /ops dashboard's reads (each refuses anyone but an admin, private.require_admin()).
const DASHBOARD = [
  'ops_availability_heatmap(text)',
  'ops_maintenance_jobs()',
  'ops_maintenance_series(text)',
  'ops_presence_alerts(text)',
  'ops_presence_now()',
  'ops_presence_series(text)',
  'ops_transition_series(text)',
];

// A reader's own presence statistics, or anyone's for an admin (the function checks which).
const STATISTICS = ['reader_presence_stats(uuid,integer)'];

// Video readings, each acting on the caller's own readings only; and the check of a reading's
// signalling topic, which Realtime's policies call as the user joining or sending.
const READINGS = [
  'answer_reading(uuid,boolean)',
  'cancel_reading(uuid)',
  'current_reading()',
  'end_reading(uuid,reading_end_reason)',
  'my_readings(integer,timestamp with time zone)',
  'reading_heartbeat(uuid)',
  'reading_ice_servers(uuid)',
  'request_reading(uuid)',
];
const THE_SIGNALLING_TOPIC = ['private.may_signal_on(text)', 'private.reading_of_topic(text)'];

// Ops through the API: the jobs an operator may run with the service key.
const OPS = [
  'cleanup_reader_presence()',
  'mark_inactive_readers_offline()',
  'purge_availability_notifications(interval)',
  'purge_presence_audit_log(interval)',
  'purge_presence_observability(interval)',
];

const sorted = (list: string[]) => [...list].sort();

describe('who may execute what', () => {
  test('anon executes exactly the public reads and the pure rules', async () => {
    expect(await executableBy('anon')).toEqual(sorted([...PUBLIC_READS, ...THE_PUSH_TOPIC]));
  });

  test('authenticated executes the public reads, the pure rules, the presence path and the readings', async () => {
    expect(await executableBy('authenticated')).toEqual(
      sorted([
        ...PUBLIC_READS,
        ...THE_PUSH_TOPIC,
        ...PRESENCE_PATH,
        ...CLIENT_PATH,
        ...APPLICATIONS,
        ...DASHBOARD,
        ...STATISTICS,
        ...THE_TIME_ZONE_RULE,
        ...READINGS,
        ...THE_SIGNALLING_TOPIC,
      ]),
    );
  });

  test('service_role executes the public reads, the pure rules and the ops jobs, and not the presence path (it has no session)', async () => {
    expect(await executableBy('service_role')).toEqual(sorted([...PUBLIC_READS, ...OPS, ...THE_TIME_ZONE_RULE]));
  });

  test('functions a future migration creates without a grant are not executable by anon or authenticated, in either schema', async () => {
    const db = new pg.Client({ connectionString: stack.dbUrl });
    await db.connect();
    try {
      // As a migration does it: the migration role creates the functions inside a transaction.
      await db.query('begin');
      await db.query("create function public.forgot_to_revoke() returns integer language sql as 'select 1'");
      // The API roles have usage on private (for the rule), so its functions need the same default.
      await db.query("create function private.forgot_to_revoke() returns integer language sql as 'select 1'");
      const outcomes: Record<string, string> = {};
      for (const role of ['anon', 'authenticated']) {
        for (const schema of ['public', 'private']) {
          await db.query('savepoint attempt');
          await db.query(`set local role ${role}`);
          outcomes[`${role} ${schema}`] = await db.query(`select ${schema}.forgot_to_revoke()`).then(
            () => 'executed',
            (error: Error) => error.message,
          );
          await db.query('rollback to savepoint attempt');
        }
      }
      expect(outcomes).toEqual({
        'anon public': 'permission denied for function forgot_to_revoke',
        'anon private': 'permission denied for function forgot_to_revoke',
        'authenticated public': 'permission denied for function forgot_to_revoke',
        'authenticated private': 'permission denied for function forgot_to_revoke',
      });
    } finally {
      await db.query('rollback');
      await db.end();
    }
  });
});

describe('who may read and write which tables', () => {
  test('anon and authenticated read the cards, the profiles (RLS picks the rows) and the levels; nothing in private', async () => {
    const expected = {
      reader_cards: ['SELECT'],
      reader_hours: ['SELECT'],
      reader_levels: ['SELECT'],
      reader_schedules: ['SELECT'],
      users: ['SELECT'],
    };
    expect(await relationPrivilegesOf('anon')).toEqual(expected);
    // Updating users is column by column (below), so has_table_privilege does not list it; nor
    // adding and changing favourites. A client reads their notifications and never writes them.
    expect(await relationPrivilegesOf('authenticated')).toEqual({
      ...expected,
      availability_notifications: ['SELECT'],
      favourites: ['DELETE', 'SELECT'],
      // Their own application, or every one for admins (written through the RPCs only).
      reader_applications: ['SELECT'],
      // A reader's own hours (policies pick the rows; a schedule's zone column by column, below).
      reader_days_off: ['DELETE', 'INSERT', 'SELECT'],
      reader_hours: ['DELETE', 'INSERT', 'SELECT'],
      reader_schedules: ['DELETE', 'SELECT'],
      // Their own readings (written through the RPCs only).
      readings: ['SELECT'],
    });
  });

  test('authenticated may set the time zone of a schedule and the times of a window, never when the database refreshes them', async () => {
    expect(await insertableColumnsOf('authenticated', 'public.reader_schedules')).toEqual(['reader_id', 'time_zone']);
    expect(await updatableColumnsOf('authenticated', 'public.reader_schedules')).toEqual(['reader_id', 'time_zone']);
    expect(await updatableColumnsOf('authenticated', 'public.reader_hours')).toEqual(['weekday', 'starts', 'ends']);
    expect(await updatableColumnsOf('authenticated', 'public.reader_days_off')).toEqual([]);
    expect(await insertableColumnsOf('anon', 'public.reader_hours')).toEqual([]);
  });

  test('authenticated may add a favourite naming the client, the reader and notify, and change only notify', async () => {
    expect(await insertableColumnsOf('authenticated', 'public.favourites')).toEqual(['client_id', 'reader_id', 'notify']);
    expect(await updatableColumnsOf('authenticated', 'public.favourites')).toEqual(['notify']);
    expect(await insertableColumnsOf('anon', 'public.favourites')).toEqual([]);
    expect(await updatableColumnsOf('authenticated', 'public.availability_notifications')).toEqual([]);
  });

  test('authenticated may update the card fields of a profile, and no presence or standing column', async () => {
    expect(await updatableColumnsOf('authenticated', 'public.users')).toEqual(['display_name', 'avatar_url', 'bio', 'specialties']);
    expect(await updatableColumnsOf('anon', 'public.users')).toEqual([]);
  });

  test('service_role reads and deletes the audit log but never writes it; nothing in private either', async () => {
    expect(await relationPrivilegesOf('service_role')).toEqual({
      availability_notifications: ['DELETE', 'SELECT'],
      favourites: ['DELETE', 'SELECT'],
      presence_audit_log: ['DELETE', 'SELECT'],
      reader_applications: ['DELETE', 'INSERT', 'SELECT', 'UPDATE'],
      reader_cards: ['SELECT'],
      reader_days_off: ['DELETE', 'INSERT', 'SELECT', 'UPDATE'],
      reader_hours: ['DELETE', 'INSERT', 'SELECT', 'UPDATE'],
      reader_levels: ['SELECT'],
      reader_schedules: ['DELETE', 'INSERT', 'SELECT', 'UPDATE'],
      readings: ['SELECT'],
      users: ['DELETE', 'INSERT', 'SELECT', 'UPDATE'],
    });
  });

  test('the API roles may use the private schema (for the rule) but create nothing in it or in public', async () => {
    const [row] = await sql(
      stack,
      `
      select has_schema_privilege('anon', 'private', 'usage') as anon_usage,
             has_schema_privilege('anon', 'private', 'create') as anon_create,
             has_schema_privilege('authenticated', 'private', 'create') as authenticated_create,
             has_schema_privilege('anon', 'public', 'create') as anon_create_public,
             has_schema_privilege('authenticated', 'public', 'create') as authenticated_create_public`,
    );
    expect(row).toEqual({ anon_usage: true, anon_create: false, authenticated_create: false, anon_create_public: false, authenticated_create_public: false });
  });
});
