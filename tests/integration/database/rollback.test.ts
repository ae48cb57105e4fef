import { afterAll, beforeAll, expect, test } from 'vitest';
import { PROJECT_DIR } from '../../../local-stack/config.ts';
import { pushMigrations, runSupabaseCli } from '../../../local-stack/migrations.ts';
import type { RunningStack } from '../../../local-stack/stack.ts';
import { clientFor, sql, startTestStack, uniqueEmail } from '../../support/test-stack.ts';

let stack: RunningStack;

beforeAll(async () => {
  stack = await startTestStack({ seed: false });
});

afterAll(async () => {
  await stack?.stop();
});

const presenceObjects = `
  select (select count(*) from pg_tables where schemaname = 'public')::int as tables,
         (select count(*) from pg_proc where pronamespace = 'public'::regnamespace)::int as functions,
         (select count(*) from pg_trigger where tgname = 'on_auth_user_created')::int as signup_trigger,
         (select count(*) from supabase_migrations.schema_migrations)::int as history,
         (select count(*) from pg_namespace where nspname = 'private')::int as private_schema,
         (select count(*) from pg_type where typnamespace = 'public'::regnamespace and typtype = 'd')::int as domains,
         -- The global default that keeps PUBLIC from executing new functions (no row: PostgreSQL's own default).
         (select count(*) from pg_default_acl where defaclnamespace = 0 and defaclobjtype = 'f')::int as function_defaults`;

test('the documented rollback removes everything the migrations add, and they apply again', async () => {
  const [applied] = await sql(stack, presenceObjects);
  expect(applied).toMatchObject({ tables: 4, signup_trigger: 1, history: 10, private_schema: 1, domains: 4, function_defaults: 1 });
  expect(applied!.functions).toBeGreaterThan(10);

  await runSupabaseCli(PROJECT_DIR, ['db', 'query', '--db-url', stack.dbUrl, '-f', 'supabase/rollback/presence.sql']);
  expect((await sql(stack, presenceObjects))[0]).toEqual({ tables: 0, functions: 0, signup_trigger: 0, history: 0, private_schema: 0, domains: 0, function_defaults: 0 });
  // Sign-up still works without the app's schema: the auth side is untouched.
  expect((await clientFor(stack).auth.signUp({ email: uniqueEmail('after-rollback'), password: 'rollback-password' })).error).toBeNull();

  await pushMigrations(stack.dbUrl, PROJECT_DIR, false);
  expect((await sql(stack, presenceObjects))[0]).toEqual(applied);
  const email = uniqueEmail('reapplied');
  const { data } = await clientFor(stack).auth.signUp({ email, password: 'rollback-password', options: { data: { is_reader: true, display_name: 'Again' } } });
  expect(await sql(stack, 'select display_name, is_reader from public.users where id = $1', [data.user!.id])).toEqual([{ display_name: 'Again', is_reader: true }]);
});
