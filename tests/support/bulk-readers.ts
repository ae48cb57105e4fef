import type { RunningStack } from '../../local-stack/stack.ts';
import { sql } from './test-stack.ts';

/**
 * Loads 100,000 approved readers, 'Bulk 1' to 'Bulk 100000' (bulk-<n>@example.test), rated at
 * random; 'Bulk 1' to 'Bulk 10999' in name order (about 1,100) have a device heard
 * within 8 minutes, and every recorded status is what the rule says. For the tests of plans at
 * scale, which add what else they need and then analyze.
 *
 * Loaded as one loads in bulk, so that no plan depends on whether autovacuum got somewhere first.
 * It starts by analyzing, so every run starts from the statistics autovacuum may leave at worst:
 * taken of the few rows earlier tests made.
 * - The users are inserted with plans made for each row. Their foreign keys are checked row by
 *   row against tables growing in the same statement, and a check planned once, while the table
 *   was small (after an analyze of the few users earlier tests made), would read it whole for
 *   every row.
 * - Statistics are taken before any statement joins what was loaded. Without them, one run
 *   joined the sessions to 100,000 users in 30 ms and another in 10 s, and the recorded
 *   statuses' update did not finish in minutes.
 */
export async function loadBulkReaders(stack: Pick<RunningStack, 'dbUrl'>): Promise<void> {
  await sql(
    stack,
    `
    analyze;
    set plan_cache_mode = force_custom_plan;
    insert into auth.users (id, aud, role, email, raw_user_meta_data, created_at, updated_at)
    select gen_random_uuid(), 'authenticated', 'authenticated', 'bulk-' || n || '@example.test',
           jsonb_build_object('display_name', 'Bulk ' || n, 'is_reader', true), now(), now()
    from generate_series(1, 100000) as n;
    reset plan_cache_mode;
    analyze auth.users, public.users, public.reader_applications;
    update public.reader_applications set status = 'approved', decided_at = now() where status = 'pending';
    update public.users set average_rating = round((random() * 5)::numeric, 2) where display_name like 'Bulk %';
    analyze public.users;
    insert into auth.sessions (id, user_id, created_at, updated_at, aal)
    select gen_random_uuid(), id, now(), now(), 'aal1' from public.users where display_name like 'Bulk 1%' and display_name < 'Bulk 11';
    insert into private.reader_devices (session_id, reader_id, last_seen_at, last_input_at)
    select s.id, s.user_id, now() - random() * interval '8 minutes', now() - random() * interval '20 minutes'
    from auth.sessions s join public.users u on u.id = s.user_id where u.display_name like 'Bulk %';
    analyze auth.sessions, private.reader_devices;
    update public.users u set recorded_status = n.status from private.reader_presence_now n where n.reader_id = u.id and n.status <> u.recorded_status;
    `,
  );
}
