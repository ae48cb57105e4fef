import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { RunningStack } from '../../../local-stack/stack.ts';
import { PROJECT_DIR } from '../../../local-stack/config.ts';
import { runSupabaseCli } from '../../../local-stack/migrations.ts';
import { sql, startTestStack } from '../../support/test-stack.ts';

const LUNA = '11111111-1111-4111-8111-111111111111';
const ORION = '22222222-2222-4222-8222-222222222222';
const SELENE = '44444444-4444-4444-8444-444444444444';
const ROWAN = '55555555-5555-4555-8555-555555555555';

let stack: RunningStack;

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.stop();
});

beforeEach(async () => {
  await sql(stack, "update public.users set is_online = false, last_seen_at = now() - interval '1 hour'");
  await sql(stack, 'delete from public.presence_audit_log');
});

/** Puts readers online, then turns their last heartbeat back by the given ages. */
async function onlineSince(ages: Record<string, string>): Promise<void> {
  await sql(stack, 'update public.users set is_online = true where id = any ($1)', [Object.keys(ages)]);
  for (const [id, age] of Object.entries(ages)) {
    await sql(stack, 'update public.users set last_seen_at = now() - $2::interval where id = $1', [id, age]);
  }
}

async function onlineIds(): Promise<string[]> {
  const rows = await sql<{ id: string }>(stack, 'select id from public.users where is_online order by id');
  return rows.map((r) => r.id);
}

describe('update_last_seen_on_online()', () => {
  test('coming online stamps last_seen_at with database time; other updates leave it alone', async () => {
    const [{ stamped, now }] = (await sql(stack, `
      update public.users set is_online = true where id = $1 returning last_seen_at as stamped, now()`, [LUNA])) as [{ stamped: Date; now: Date }];
    expect(stamped.getTime()).toBe(now.getTime());
    const [{ kept }] = (await sql(stack, "update public.users set bio = 'x' where id = $1 returning last_seen_at as kept", [LUNA])) as [{ kept: Date }];
    expect(kept.getTime()).toBe(stamped.getTime());
  });
});

describe('mark_inactive_readers_offline()', () => {
  test('marks offline exactly the readers silent for more than five minutes and returns how many', async () => {
    await onlineSince({ [LUNA]: '4 minutes 55 seconds', [ORION]: '5 minutes 5 seconds', [SELENE]: '30 minutes', [ROWAN]: '10 seconds' });
    await sql(stack, 'update public.users set last_seen_at = null where id = $1', [SELENE]);
    const [{ changed }] = (await sql(stack, 'select public.mark_inactive_readers_offline() as changed')) as [{ changed: number }];
    expect(changed).toBe(2);
    expect(await onlineIds()).toEqual([LUNA, ROWAN].sort());
    const [{ again }] = (await sql(stack, 'select public.mark_inactive_readers_offline() as again')) as [{ again: number }];
    expect(again).toBe(0);
  });

  test('writes one audit row per reader it changes, with cause inactivity', async () => {
    await onlineSince({ [ORION]: '6 minutes' });
    await sql(stack, 'select public.mark_inactive_readers_offline()');
    const audit = await sql(stack, 'select user_id, old_status, new_status, cause from public.presence_audit_log order by id');
    expect(audit).toEqual([
      { user_id: ORION, old_status: false, new_status: true, cause: 'direct_update' },
      { user_id: ORION, old_status: true, new_status: false, cause: 'inactivity' },
    ]);
  });
});

describe('presence writes and the rest of the row', () => {
  test('the cleanup audits in bulk, and later updates in the same transaction are audited by the trigger again', async () => {
    await onlineSince({ [ORION]: '6 minutes', [SELENE]: '7 minutes' });
    await sql(stack, 'delete from public.presence_audit_log');
    await sql(stack, `begin;
      select public.mark_inactive_readers_offline();
      update public.users set is_online = true where id = '${LUNA}';
      commit;`);
    const audit = await sql(stack, 'select user_id, old_status, new_status, cause from public.presence_audit_log order by id');
    expect(audit).toEqual(expect.arrayContaining([
      { user_id: ORION, old_status: true, new_status: false, cause: 'inactivity' },
      { user_id: SELENE, old_status: true, new_status: false, cause: 'inactivity' },
      { user_id: LUNA, old_status: false, new_status: true, cause: 'direct_update' },
    ]));
    expect(audit).toHaveLength(3);
  });

  test('a presence function\'s cause ends with it: a later update in the same transaction is a direct update', async () => {
    await sql(stack, `begin;
      set local role authenticated;
      select set_config('request.jwt.claims', '{"sub": "${LUNA}", "role": "authenticated"}', true);
      select public.reader_heartbeat();
      reset role;
      update public.users set is_online = false where id = '${LUNA}';
      commit;`);
    const audit = await sql(stack, 'select old_status, new_status, cause from public.presence_audit_log where user_id = $1 order by changed_at, id', [LUNA]);
    expect(audit).toEqual([
      { old_status: false, new_status: true, cause: 'heartbeat' },
      { old_status: true, new_status: false, cause: 'direct_update' },
    ]);
  });

  test('presence changes leave updated_at alone; profile edits move it', async () => {
    await sql(stack, "update public.users set updated_at = now() - interval '1 day' where id = $1", [LUNA]);
    const [{ afterPresence }] = (await sql(stack, `update public.users set is_online = true, last_seen_at = now() where id = $1
      returning updated_at < now() - interval '23 hours' as "afterPresence"`, [LUNA])) as [{ afterPresence: boolean }];
    expect(afterPresence).toBe(true);
    const [{ afterEdit }] = (await sql(stack, `update public.users set bio = 'new' where id = $1
      returning updated_at = now() as "afterEdit"`, [LUNA])) as [{ afterEdit: boolean }];
    expect(afterEdit).toBe(true);
  });

  test('deleting a user deletes their audit rows', async () => {
    const [{ id }] = (await sql(stack, `insert into auth.users (id, aud, role, email, raw_user_meta_data)
      values (gen_random_uuid(), 'authenticated', 'authenticated', 'leaving@example.test', '{"is_reader": true}') returning id`)) as [{ id: string }];
    await sql(stack, 'update public.users set is_online = true where id = $1', [id]);
    await sql(stack, 'update public.users set is_online = false where id = $1', [id]);
    const count = async () => (await sql<{ n: number }>(stack, 'select count(*)::int as n from public.presence_audit_log where user_id = $1', [id]))[0]!.n;
    expect(await count()).toBe(2);
    await sql(stack, 'delete from auth.users where id = $1', [id]);
    expect(await count()).toBe(0);
  });
});

describe('reader_directory_summary()', () => {
  const summary = async () => (await sql(stack, 'select readers::int, online::int from public.reader_directory_summary()'))[0];
  const readerCount = async () => (await sql<{ n: number }>(stack, 'select count(*)::int as n from public.users where is_reader'))[0]!.n;

  test('the every-minute job records the counts by the five-minute rule, and the summary serves them while under two minutes old', async () => {
    await onlineSince({ [LUNA]: '10 seconds', [ORION]: '6 minutes' });
    await sql(stack, 'select public.refresh_reader_directory_stats()');
    expect(await summary()).toEqual({ readers: await readerCount(), online: 1 });

    // Recorded a minute ago: a reader who came online since is not counted until the next run.
    await sql(stack, "update public.reader_directory_stats set computed_at = now() - interval '1 minute'");
    await onlineSince({ [SELENE]: '5 seconds' });
    expect(await summary()).toEqual({ readers: await readerCount(), online: 1 });
  });

  test('counts live when the job has not recorded anything for two minutes', async () => {
    await onlineSince({ [LUNA]: '10 seconds', [SELENE]: '20 seconds', [ORION]: '6 minutes' });
    await sql(stack, "update public.reader_directory_stats set computed_at = now() - interval '2 minutes 1 second'");
    expect(await summary()).toEqual({ readers: await readerCount(), online: 2 });
    await sql(stack, 'delete from public.reader_directory_stats');
    expect(await summary()).toEqual({ readers: await readerCount(), online: 2 });
  });
});

describe('cleanup_reader_presence()', () => {
  test('uses the ten-minute threshold', async () => {
    await onlineSince({ [LUNA]: '9 minutes 50 seconds', [ORION]: '10 minutes 10 seconds' });
    const [{ changed }] = (await sql(stack, 'select public.cleanup_reader_presence() as changed')) as [{ changed: number }];
    expect(changed).toBe(1);
    expect(await onlineIds()).toEqual([LUNA]);
    const [last] = await sql(stack, 'select cause from public.presence_audit_log order by id desc limit 1');
    expect(last).toEqual({ cause: 'cleanup' });
  });
});

describe('audit_presence_changes()', () => {
  test('writes exactly one row per real transition, none for updates that keep the status', async () => {
    await sql(stack, 'update public.users set is_online = true where id = $1', [LUNA]);
    await sql(stack, 'update public.users set is_online = true, last_seen_at = now() where id = $1', [LUNA]);
    await sql(stack, "update public.users set bio = 'still online' where id = $1", [LUNA]);
    await sql(stack, 'update public.users set is_online = false where id = $1', [LUNA]);
    await sql(stack, 'update public.users set is_online = false where id = $1', [LUNA]);
    const audit = await sql(stack, 'select old_status, new_status from public.presence_audit_log where user_id = $1 order by id', [LUNA]);
    expect(audit).toEqual([
      { old_status: false, new_status: true },
      { old_status: true, new_status: false },
    ]);
  });
});

describe('purge_presence_audit_log()', () => {
  test('removes rows older than the given age and keeps the rest', async () => {
    await sql(stack, `insert into public.presence_audit_log (user_id, old_status, new_status, changed_at, cause) values
      ($1, false, true, now() - interval '40 days', 'heartbeat'),
      ($1, true, false, now() - interval '20 days', 'sign_out'),
      ($1, false, true, now() - interval '1 day', 'heartbeat')`, [LUNA]);
    const [{ removed }] = (await sql(stack, 'select public.purge_presence_audit_log() as removed')) as [{ removed: number }];
    expect(removed).toBe(1);
    const [{ removedShorter }] = (await sql(stack, "select public.purge_presence_audit_log(interval '7 days') as \"removedShorter\"")) as [{ removedShorter: number }];
    expect(removedShorter).toBe(1);
    expect(await sql(stack, 'select count(*)::int as n from public.presence_audit_log')).toEqual([{ n: 1 }]);
  });

  test('refuses an age under an hour', async () => {
    await expect(sql(stack, "select public.purge_presence_audit_log(interval '5 minutes')")).rejects.toThrow(/refusing to purge/);
  });
});

describe('the local stack without pg_cron', () => {
  test('the schedule migration left a notice and no cron schema; the job list is there for the stack', async () => {
    expect(await sql(stack, "select to_regnamespace('cron') is null as absent")).toEqual([{ absent: true }]);
    const jobs = await sql(stack, 'select job_name, schedule from public.presence_maintenance_jobs() order by job_name');
    expect(jobs).toEqual([
      { job_name: 'cleanup-reader-presence', schedule: '*/10 * * * *' },
      { job_name: 'mark-inactive-readers-offline', schedule: '* * * * *' },
      { job_name: 'purge-presence-audit-log', schedule: '17 3 * * *' },
      { job_name: 'refresh-reader-directory-stats', schedule: '* * * * *' },
    ]);
  });
});

describe('at 100,000 readers every presence query is index-served', () => {
  beforeAll(async () => {
    await sql(stack, `
      insert into auth.users (id, aud, role, email, raw_user_meta_data, created_at, updated_at)
      select gen_random_uuid(), 'authenticated', 'authenticated', 'bulk-' || n || '@example.test',
             jsonb_build_object('display_name', 'Bulk ' || n, 'is_reader', true), now(), now()
      from generate_series(1, 100000) as n;
      update public.users set average_rating = round((random() * 5)::numeric, 2) where display_name like 'Bulk %';
      update public.users set is_online = true where display_name like 'Bulk 1%' and display_name < 'Bulk 11';
      analyze public.users;
    `);
  }, 120_000);

  async function plan(query: string, values: unknown[] = []): Promise<string> {
    const rows = await sql<{ 'QUERY PLAN': string }>(stack, `explain ${query}`, values);
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  }

  test('a page of the readers list, online first then best rated, reads the directory index in order with no sort', async () => {
    const firstPage = 'select * from public.users where is_reader order by is_online desc, average_rating desc, id limit 24';
    expect(await plan(firstPage)).toMatch(/Index Scan using users_directory_idx/);
    expect(await plan(firstPage)).not.toMatch(/Sort|Seq Scan/);
    const onlineOnly = await plan(`select * from public.users where is_reader and is_online
      order by is_online desc, average_rating desc, id limit 24 offset 48`);
    expect(onlineOnly).toMatch(/Index Scan using users_directory_idx/);
    expect(onlineOnly).not.toMatch(/Sort|Seq Scan/);
  });

  test('the cleanup visits only the readers flagged online', async () => {
    const cleanup = await plan(`update public.users set is_online = false
      where is_reader and is_online and (last_seen_at is null or last_seen_at < now() - interval '5 minutes')`);
    expect(cleanup).toMatch(/users_directory_idx/);
    expect(cleanup).not.toMatch(/Seq Scan/);
  });

  test('the bulk status query (inside get_readers_online_status) and the heartbeat find rows by primary key', async () => {
    const inner = await plan('select id from public.users where id = any ($1) and is_reader', [[LUNA, ORION]]);
    expect(inner).toMatch(/Index Scan using users_pkey/);
    const heartbeat = await plan('update public.users set last_seen_at = now() where id = $1', [LUNA]);
    expect(heartbeat).toMatch(/Index Scan using users_pkey/);
  });

  test('after the app\'s queries have run, Supabase\'s advisors report nothing for our objects', async () => {
    const [reader] = await sql<{ id: string }>(stack, "select id from public.users where display_name = 'Bulk 12345'");
    await sql(stack, 'select id from public.users where is_reader order by is_online desc, average_rating desc, id limit 24');
    await sql(stack, 'select public.mark_inactive_readers_offline()');
    await sql(stack, 'select * from public.get_readers_online_status($1)', [[reader!.id]]);
    await sql(stack, 'select * from public.presence_audit_log where user_id = $1 order by changed_at', [reader!.id]);
    // Retention reads the BRIN summary once the log holds weeks of history (and autovacuum's statistics).
    await sql(stack, `insert into public.presence_audit_log (user_id, old_status, new_status, changed_at, cause)
      select $1, n % 2 = 0, n % 2 = 1, now() - interval '60 days' + n * interval '1 minute', 'inactivity'
      from generate_series(1, 86400) as n`, [reader!.id]);
    await sql(stack, 'analyze public.presence_audit_log');
    await sql(stack, 'select public.purge_presence_audit_log()');
    // Removing a level checks that no reader still has it: the foreign-key index serves that.
    await sql(stack, "insert into public.reader_levels (name, color_theme, icon, base_price_per_minute) values ('Retired', 'gray', 'archive', 0)");
    await sql(stack, "delete from public.reader_levels where name = 'Retired'");

    const deadline = Date.now() + 15_000;
    let unused: Array<{ indexrelname: string }> = [];
    do {
      unused = await sql(stack, "select indexrelname from pg_stat_user_indexes where schemaname = 'public' and idx_scan = 0 and indexrelname not like '%_pkey' and indexrelname not like '%_key'");
      if (unused.length === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    } while (Date.now() < deadline);
    expect(unused).toEqual([]);

    const report = JSON.parse(await runSupabaseCli(PROJECT_DIR, ['db', 'advisors', '--db-url', stack.dbUrl, '--level', 'info', '--output-format', 'json'])) as {
      results: Array<{ name: string; detail: string; metadata?: { schema?: string } }>;
    };
    const ours = report.results.filter((finding) => finding.metadata?.schema === 'public');
    expect(ours).toEqual([]);
  }, 60_000);
});
