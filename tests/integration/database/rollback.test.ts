/**
 * supabase/rollback/presence.sql, run as its header documents (the Supabase CLI's db query), removes
 * everything the migrations add and their lines in the CLI's history, leaves Auth working, and
 * `supabase db push` applies the migrations again to the same objects, which work again.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { PROJECT_DIR } from '../../../local-stack/config.ts';
import { pushMigrations, runSupabaseCli } from '../../../local-stack/migrations.ts';
import type { RunningStack } from '../../../local-stack/stack.ts';
import { approveReaderApplications, giveDevice } from '../../support/presence-fixtures.ts';
import { clientFor, dbOf, sql, startTestStack, uniqueEmail } from '../../support/test-stack.ts';

let stack: RunningStack;

beforeAll(async () => {
  stack = await startTestStack({ seed: false, presenceJobs: false });
});

afterAll(async () => {
  await stack?.stop();
});

// What the migrations add, counted from the catalog (the app's own objects only).
const presenceObjects = `
  select (select count(*) from pg_class where relnamespace = 'public'::regnamespace and relkind = 'r')::int as public_tables,
         (select count(*) from pg_class where relnamespace = 'public'::regnamespace and relkind = 'v')::int as public_views,
         (select count(*) from pg_proc where pronamespace = 'public'::regnamespace)::int as public_functions,
         (select count(*) from pg_namespace where nspname = 'private')::int as private_schema,
         (select count(*) from pg_class where relnamespace = to_regnamespace('private') and relkind = 'r')::int as private_tables,
         (select count(*) from pg_class where relnamespace = to_regnamespace('private') and relkind = 'v')::int as private_views,
         (select count(*) from pg_proc where pronamespace = to_regnamespace('private'))::int as private_functions,
         (select count(*) from pg_type where typnamespace = 'public'::regnamespace and typtype = 'd')::int as domains,
         (select count(*) from pg_type where typnamespace = 'public'::regnamespace and typtype = 'e')::int as enums,
         (select count(*) from pg_type t where t.typnamespace = 'public'::regnamespace and t.typtype = 'c'
            and not exists (select from pg_class c where c.oid = t.typrelid and c.relkind <> 'c'))::int as composite_types,
         (select count(*) from pg_trigger where tgrelid = 'auth.users'::regclass and not tgisinternal)::int as auth_triggers,
         (select count(*) from pg_policies where schemaname = 'realtime' and tablename = 'messages')::int as realtime_policies,
         (select count(*) from supabase_migrations.schema_migrations)::int as history,
         -- The global default that keeps PUBLIC from executing new functions (no row: PostgreSQL's own default).
         (select count(*) from pg_default_acl where defaclnamespace = 0 and defaclobjtype = 'f')::int as function_defaults`;

test('the documented rollback removes everything the migrations add, and they apply again', async () => {
  const [applied] = await sql(stack, presenceObjects);
  expect(applied).toMatchObject({
    public_tables: 10, // users, reader_levels, presence_audit_log, favourites, availability_notifications, reader_schedules, reader_hours, reader_days_off, reader_applications, readings
    public_views: 1, // reader_cards
    private_schema: 1,
    // reader_devices, reader_presence, reader_directory_stats; maintenance_runs, presence_tally,
    // presence_failure_reports, presence_minutes, presence_minute_transitions, presence_alert_rules,
    // presence_alerts, presence_analytics; reading_ice_servers
    private_tables: 12,
    private_views: 1, // reader_presence_now
    domains: 7, // display_name, avatar_url, bio, specialty, status_message, time_zone_name, decision_reason
    enums: 4, // presence_status, reader_application_status, reading_state, reading_end_reason
    composite_types: 2, // own_presence, reading_view
    auth_triggers: 2, // on_auth_user_created, end_presence_of_banned_user
    // everyone receives reader presence, clients receive their own availability notifications, users receive
    // their own reading events, participants receive and send their live reading's signals
    realtime_policies: 5,
    history: 14,
    function_defaults: 1,
  });
  expect(applied!.public_functions).toBeGreaterThanOrEqual(13);
  expect(applied!.private_functions).toBeGreaterThanOrEqual(33);
  expect(await sql(stack, 'select version from supabase_migrations.schema_migrations order by version')).toEqual(
    [
      '20251125000100',
      '20251125000200',
      '20251125000300',
      '20251125000400',
      '20251125000500',
      '20251125000600',
      '20251125000700',
      '20251125000800',
      '20251125000900',
      '20251125001000',
      '20251125001100',
      '20251125001200',
      '20251125001300',
      '20251125001400',
    ].map((version) => ({ version })),
  );

  await runSupabaseCli(PROJECT_DIR, ['db', 'query', '--db-url', stack.dbUrl, '-f', 'supabase/rollback/presence.sql']);
  expect((await sql(stack, presenceObjects))[0]).toEqual({
    public_tables: 0,
    public_views: 0,
    public_functions: 0,
    private_schema: 0,
    private_tables: 0,
    private_views: 0,
    private_functions: 0,
    domains: 0,
    enums: 0,
    composite_types: 0,
    auth_triggers: 0,
    realtime_policies: 0,
    history: 0,
    function_defaults: 0,
  });
  // Sign-up still works without the app's schema: the auth side is untouched.
  expect((await clientFor(stack).auth.signUp({ email: uniqueEmail('after-rollback'), password: 'rollback-password' })).error).toBeNull();

  await pushMigrations(stack.dbUrl, PROJECT_DIR, false);
  expect((await sql(stack, presenceObjects))[0]).toEqual(applied);

  // And they work again: sign-up makes a profile and an application, approval a reader, and the
  // rule sees a device of theirs.
  const email = uniqueEmail('reapplied');
  const { data } = await clientFor(stack).auth.signUp({ email, password: 'rollback-password', options: { data: { is_reader: true, display_name: 'Again' } } });
  const id = data.user!.id;
  expect(await sql(stack, 'select status::text from public.reader_applications where applicant_id = $1', [id])).toEqual([{ status: 'pending' }]);
  await approveReaderApplications(dbOf(stack), [id]);
  expect(await sql(stack, 'select display_name, is_reader from public.users where id = $1', [id])).toEqual([{ display_name: 'Again', is_reader: true }]);
  await giveDevice(dbOf(stack), id);
  expect(await sql(stack, 'select status::text from public.reader_cards where id = $1', [id])).toEqual([{ status: 'available' }]);
  expect(await sql(stack, 'select private.presence_online_threshold() as threshold')).toEqual([{ threshold: { minutes: 5 } }]);
});
