import { afterAll, beforeAll, expect, test } from 'vitest';
import { startPresenceScheduler, type PresenceScheduler } from '../../../local-stack/scheduler.ts';
import type { RunningStack } from '../../../local-stack/stack.ts';
import { sql, startTestStack } from '../../support/test-stack.ts';

const ORION = '22222222-2222-4222-8222-222222222222';

let stack: RunningStack;
let scheduler: PresenceScheduler;
const logged: string[] = [];

beforeAll(async () => {
  stack = await startTestStack();
  scheduler = await startPresenceScheduler(stack.dbUrl, (line) => logged.push(line));
});

afterAll(async () => {
  await scheduler?.stop();
  await stack?.stop();
});

test('without pg_cron the local stack runs the migration\'s jobs on their schedules', async () => {
  const everyMinute = ['mark-inactive-readers-offline', 'refresh-reader-directory-stats'];
  expect(await scheduler.runDue(new Date('2026-11-25T13:41:00Z'))).toEqual(everyMinute);
  expect(await scheduler.runDue(new Date('2026-11-25T13:50:00Z'))).toEqual([everyMinute[0], 'cleanup-reader-presence', everyMinute[1]]);
  expect(await scheduler.runDue(new Date('2026-11-25T03:17:00Z'))).toEqual([everyMinute[0], 'purge-presence-audit-log', everyMinute[1]]);
});

test('the every-minute job really marks stale readers offline', async () => {
  await sql(stack, 'update public.users set is_online = true where id = $1', [ORION]);
  await sql(stack, "update public.users set last_seen_at = now() - interval '20 minutes' where id = $1", [ORION]);
  await scheduler.runDue(new Date('2026-11-25T13:42:00Z'));
  expect(await sql(stack, 'select is_online from public.users where id = $1', [ORION])).toEqual([{ is_online: false }]);
  expect(logged).toContain('scheduler: mark-inactive-readers-offline changed 1 rows');
});
