import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { RunningStack } from '../../../local-stack/stack.ts';
import { clientFor, signedInAs, sql, startTestStack } from '../../support/test-stack.ts';

let stack: RunningStack;
let anon: SupabaseClient;
let service: SupabaseClient;
let readerA: { client: SupabaseClient; userId: string };
let readerB: { client: SupabaseClient; userId: string };
let client: { client: SupabaseClient; userId: string };

beforeAll(async () => {
  stack = await startTestStack();
  anon = clientFor(stack);
  service = clientFor(stack, stack.serviceRoleKey);
  readerA = await signedInAs(stack, 'luna@demo.test');
  readerB = await signedInAs(stack, 'orion@demo.test');
  client = await signedInAs(stack, 'client@demo.test');
});

afterAll(async () => {
  await stack?.stop();
});

beforeEach(async () => {
  // Every test starts from the same presence: everyone offline, last seen an hour ago, no audit.
  await sql(stack, "update public.users set is_online = false, last_seen_at = now() - interval '1 hour'");
  await sql(stack, 'delete from public.presence_audit_log');
});

async function row(id: string) {
  const [found] = await sql(stack, 'select is_online, last_seen_at, is_reader, average_rating, display_name, bio from public.users where id = $1', [id]);
  return found!;
}

describe('as anon', () => {
  test('reads reader cards with their level, and no client', async () => {
    const { data, error } = await anon.from('users').select('id, display_name, is_reader, readerLevel:level_id (name)').order('average_rating', { ascending: false });
    expect(error).toBeNull();
    expect(data!.length).toBe(4);
    expect(data!.every((card) => card.is_reader)).toBe(true);
    expect(data!.map((card) => card.id)).not.toContain(client.userId);
  });

  test('cannot write profiles, presence or the audit log', async () => {
    const update = await anon.from('users').update({ display_name: 'Hacked' }).eq('id', readerA.userId);
    expect(update.error?.code).toBe('42501');
    const insert = await anon.from('users').insert({ id: crypto.randomUUID(), display_name: 'Ghost' });
    expect(insert.error?.code).toBe('42501');
    const heartbeat = await anon.rpc('reader_heartbeat');
    expect(heartbeat.error?.code).toBe('42501');
    const audit = await anon.from('presence_audit_log').select('*');
    expect(audit.error?.code).toBe('42501');
    expect((await row(readerA.userId)).display_name).toBe('Luna Starweaver');
  });

  test('cannot run the cleanup functions', async () => {
    for (const fn of ['mark_inactive_readers_offline', 'cleanup_reader_presence', 'purge_presence_audit_log']) {
      expect((await anon.rpc(fn)).error?.code, fn).toBe('42501');
    }
  });
});

describe('as reader A', () => {
  test('a heartbeat marks only A online, at database time, and returns the server time', async () => {
    const { data, error } = await readerA.client.rpc('reader_heartbeat');
    expect(error).toBeNull();
    const [{ now }] = (await sql(stack, 'select now()')) as [{ now: Date }];
    const result = (data as Array<{ is_online: boolean; last_seen_at: string; server_time: string }>)[0]!;
    expect(result.is_online).toBe(true);
    expect(Math.abs(new Date(result.server_time).getTime() - now.getTime())).toBeLessThan(5_000);
    const stored = await row(readerA.userId);
    expect(stored.is_online).toBe(true);
    expect(new Date(result.last_seen_at).getTime()).toBe((stored.last_seen_at as Date).getTime());
    expect((await row(readerB.userId)).is_online).toBe(false);
  });

  test('heartbeats faster than the rate limit are absorbed: no write, no audit row', async () => {
    await readerA.client.rpc('reader_heartbeat');
    const first = (await row(readerA.userId)).last_seen_at as Date;
    for (let i = 0; i < 5; i += 1) expect((await readerA.client.rpc('reader_heartbeat')).error).toBeNull();
    expect(((await row(readerA.userId)).last_seen_at as Date).getTime()).toBe(first.getTime());
    const audit = await sql(stack, 'select new_status from public.presence_audit_log where user_id = $1', [readerA.userId]);
    expect(audit).toEqual([{ new_status: true }]);
  });

  test('a heartbeat after the rate-limit interval moves last_seen_at without a transition', async () => {
    await readerA.client.rpc('reader_heartbeat');
    await sql(stack, "update public.users set last_seen_at = last_seen_at - interval '30 seconds' where id = $1", [readerA.userId]);
    const before = (await row(readerA.userId)).last_seen_at as Date;
    await readerA.client.rpc('reader_heartbeat');
    expect(((await row(readerA.userId)).last_seen_at as Date).getTime()).toBeGreaterThan(before.getTime());
    expect(await sql(stack, 'select count(*)::int as n from public.presence_audit_log where user_id = $1', [readerA.userId])).toEqual([{ n: 1 }]);
  });

  test('cannot write presence columns directly, e.g. a timestamp in the future', async () => {
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const forged = await readerA.client.from('users').update({ last_seen_at: future, is_online: true }).eq('id', readerA.userId);
    expect(forged.error?.code).toBe('42501');
    expect((await row(readerA.userId)).is_online).toBe(false);
  });

  test('cannot raise their own privileges: is_reader, rating, level', async () => {
    for (const change of [{ is_reader: false }, { average_rating: 5 }, { level_id: 3 }, { review_count: 9999 }]) {
      const { error } = await readerA.client.from('users').update(change).eq('id', readerA.userId);
      expect(error?.code, JSON.stringify(change)).toBe('42501');
    }
    expect((await row(readerA.userId)).average_rating).toBe('4.90');
  });

  test('edits their own card fields, and not another reader\'s', async () => {
    const own = await readerA.client.from('users').update({ bio: 'New bio' }).eq('id', readerA.userId).select('bio');
    expect(own.error).toBeNull();
    expect(own.data).toEqual([{ bio: 'New bio' }]);
    const other = await readerA.client.from('users').update({ bio: 'Defaced' }).eq('id', readerB.userId).select('bio');
    expect(other.data).toEqual([]);
    expect((await row(readerB.userId)).bio).not.toBe('Defaced');
  });

  test('going offline is audited once, as a sign-out', async () => {
    await readerA.client.rpc('reader_heartbeat');
    const { error } = await readerA.client.rpc('reader_go_offline');
    expect(error).toBeNull();
    await readerA.client.rpc('reader_go_offline');
    expect((await row(readerA.userId)).is_online).toBe(false);
    const audit = await sql(stack, 'select old_status, new_status, cause from public.presence_audit_log where user_id = $1 order by id', [readerA.userId]);
    expect(audit).toEqual([
      { old_status: false, new_status: true, cause: 'heartbeat' },
      { old_status: true, new_status: false, cause: 'sign_out' },
    ]);
  });

  test('going offline when already offline writes nothing: the row keeps its version', async () => {
    const [before] = await sql(stack, 'select xmin::text as version from public.users where id = $1', [readerA.userId]);
    const { data, error } = await readerA.client.rpc('reader_go_offline');
    expect(error).toBeNull();
    expect(data).toEqual([expect.objectContaining({ is_online: false })]);
    expect(await sql(stack, 'select xmin::text as version from public.users where id = $1', [readerA.userId])).toEqual([before]);
    expect(await sql(stack, 'select count(*)::int as n from public.presence_audit_log where user_id = $1', [readerA.userId])).toEqual([{ n: 0 }]);
  });

  test('flapping online and offline is bounded: six transitions a minute, the rest absorbed without an error', async () => {
    const answers: boolean[] = [];
    for (let i = 0; i < 10; i += 1) {
      const on = await readerA.client.rpc('reader_heartbeat');
      const off = await readerA.client.rpc('reader_go_offline');
      expect(on.error).toBeNull();
      expect(off.error).toBeNull();
      answers.push((on.data as Array<{ is_online: boolean }>)[0]!.is_online, (off.data as Array<{ is_online: boolean }>)[0]!.is_online);
    }
    // Each absorbed call answers the status the reader really has: offline after the sixth transition.
    expect(answers).toEqual([true, false, true, false, true, false, ...Array<boolean>(14).fill(false)]);
    expect(await sql(stack, 'select count(*)::int as n from public.presence_audit_log where user_id = $1', [readerA.userId])).toEqual([{ n: 6 }]);

    // A minute later the reader can come online again.
    await sql(stack, "update public.presence_audit_log set changed_at = changed_at - interval '61 seconds' where user_id = $1", [readerA.userId]);
    const back = await readerA.client.rpc('reader_heartbeat');
    expect((back.data as Array<{ is_online: boolean }>)[0]!.is_online).toBe(true);
    expect((await row(readerA.userId)).is_online).toBe(true);
  });

  test('a reader online at the limit stays online when going offline is absorbed, until the five-minute rule', async () => {
    await sql(stack, `insert into public.presence_audit_log (user_id, old_status, new_status, changed_at, cause)
      select $1, n % 2 = 0, n % 2 = 1, now() - n * interval '5 seconds', 'heartbeat' from generate_series(1, 6) as n`, [readerA.userId]);
    await sql(stack, 'update public.users set is_online = true, last_seen_at = now() where id = $1', [readerA.userId]);
    const { data, error } = await readerA.client.rpc('reader_go_offline');
    expect(error).toBeNull();
    expect((data as Array<{ is_online: boolean }>)[0]!.is_online).toBe(true);
    expect((await row(readerA.userId)).is_online).toBe(true);
  });

  test('cannot read the audit log or run cleanup', async () => {
    expect((await readerA.client.from('presence_audit_log').select('*')).error?.code).toBe('42501');
    expect((await readerA.client.rpc('mark_inactive_readers_offline')).error?.code).toBe('42501');
  });

  test('does not see the client\'s private profile', async () => {
    const { data } = await readerA.client.from('users').select('id').eq('id', client.userId);
    expect(data).toEqual([]);
  });
});

describe('as a client', () => {
  test('cannot report presence', async () => {
    const { error } = await client.client.rpc('reader_heartbeat');
    expect(error?.code).toBe('42501');
    expect(error?.message).toBe('only readers report presence');
    const offline = await client.client.rpc('reader_go_offline');
    expect(offline.error?.code).toBe('42501');
    expect((await row(client.userId)).is_online).toBe(false);
  });

  test('reads their own profile and the reader cards', async () => {
    const own = await client.client.from('users').select('display_name').eq('id', client.userId);
    expect(own.data).toEqual([{ display_name: 'Casey Client' }]);
    const readers = await client.client.from('users').select('id').eq('is_reader', true);
    expect(readers.data).toHaveLength(4);
  });

  test('gets many readers\' statuses in one call, derived with the five-minute rule', async () => {
    // Coming online stamps last_seen_at (the trigger), so the clock is turned back afterwards.
    await sql(stack, 'update public.users set is_online = true where id = any ($1)', [[readerA.userId, readerB.userId]]);
    await sql(stack, "update public.users set last_seen_at = now() - interval '4 minutes 50 seconds' where id = $1", [readerA.userId]);
    await sql(stack, "update public.users set last_seen_at = now() - interval '5 minutes 10 seconds' where id = $1", [readerB.userId]);
    const { data, error } = await client.client.rpc('get_readers_online_status', { reader_ids: [readerA.userId, readerB.userId, client.userId] });
    expect(error).toBeNull();
    const status = Object.fromEntries((data as Array<{ id: string; is_online: boolean }>).map((r) => [r.id, r.is_online]));
    expect(status).toEqual({ [readerA.userId]: true, [readerB.userId]: false });
  });
});

describe('as service_role', () => {
  test('reads the audit log and runs the cleanup', async () => {
    await sql(stack, "update public.users set is_online = true where id = $1", [readerA.userId]);
    await sql(stack, "update public.users set last_seen_at = now() - interval '6 minutes' where id = $1", [readerA.userId]);
    const cleanup = await service.rpc('mark_inactive_readers_offline');
    expect(cleanup.error).toBeNull();
    expect(cleanup.data).toBe(1);
    const audit = await service.from('presence_audit_log').select('new_status, cause').eq('user_id', readerA.userId).order('id');
    expect(audit.data).toEqual([
      { new_status: true, cause: 'direct_update' },
      { new_status: false, cause: 'inactivity' },
    ]);
  });
});
