/**
 * The benchmark's data: readers with realistic profile rows, a share of them online with a device
 * each (an auth session and its private.reader_devices row), some of those busy or away, and a copy
 * of them in the seed's literal design (its table shape, indexes, trigger and policies) so both
 * designs are measured on the same rows in the same run. Only ever run against the benchmark's
 * throwaway stack, as postgres.
 */
import type pg from 'pg';

const LEVELS = `
  insert into public.reader_levels (name, color_theme, icon, base_price_per_minute, description) values
    ('Apprentice', 'slate', 'sparkles', 1.99, 'New to the marketplace'),
    ('Adept', 'teal', 'moon', 2.99, 'Fifty readings or more'),
    ('Master', 'violet', 'star', 4.49, 'Top rated for a year'),
    ('Grand Master', 'amber', 'crown', 6.99, 'The marketplace''s most trusted')`;

/**
 * Adds readers numbered from `from` to `to`; the auth sign-up trigger creates their profile rows.
 * Each has been online before: a private.reader_presence row keeps when their last device left
 * (within the last 30 days), which is what their card shows as "last seen" while offline.
 */
export async function addReaders(db: pg.Client, from: number, to: number): Promise<void> {
  if ((await db.query('select 1 from public.reader_levels limit 1')).rowCount === 0) await db.query(LEVELS);
  await db.query(
    `
    insert into auth.users (id, aud, role, email, raw_user_meta_data, created_at, updated_at)
    select gen_random_uuid(), 'authenticated', 'authenticated', 'reader-' || n || '@bench.test',
           jsonb_build_object('display_name', 'Reader ' || n, 'is_reader', true), now(), now()
    from generate_series($1::int, $2::int) as n`,
    [from, to],
  );
  // Vetted, as every listed reader is: approving the applications sign-up made sets is_reader.
  await db.query(`update public.reader_applications set status = 'approved', decided_at = now() where status = 'pending'`);
  const specialties = ['Tarot', 'Astrology', 'Love', 'Career', 'Dreams', 'Past lives', 'Numerology', 'Crystals', 'Runes', 'Mediumship'];
  await db.query(
    `
    update public.users u
    set avatar_url = 'https://images.example.test/readers/' || u.id || '.jpg',
        bio = repeat('Intuitive readings with warmth and honesty. ', 4 + (random() * 8)::int),
        specialties = array(select s from unnest($3::text[]) as s order by random() limit 2 + (random() * 3)::int),
        average_rating = round((3 + random() * 2)::numeric, 2),
        review_count = (random() * 800)::int,
        level_id = (select id from public.reader_levels order by random() + (u.id is null)::int limit 1)
    where u.display_name in (select 'Reader ' || n from generate_series($1::int, $2::int) as n)`,
    [from, to, specialties],
  );
  await db.query(
    `
    insert into private.reader_presence (reader_id, last_seen_at)
    select u.id, now() - random() * interval '30 days'
    from public.users u
    where u.display_name in (select 'Reader ' || n from generate_series($1::int, $2::int) as n)`,
    [from, to],
  );
}

export interface PresenceMix {
  /**
   * Online readers whose device had no input for twenty minutes (away by the rule), one in twenty.
   * Off for the heartbeat rounds, whose requests report input just now.
   */
  idle: boolean;
}

/**
 * Exactly `online` readers online, spread evenly over the reader numbers, each with one device (an
 * auth session and its private.reader_devices row) heard 20 to 60 seconds ago: live, and past the
 * 15-second rate limit, so its next heartbeat is a write. One in ten online readers chose busy (for
 * an hour, with a message), one in twenty away, and with `idle` one in twenty had no input for 20
 * minutes; the rest are available. Every other reader is offline, with no device. users.recorded_status
 * is set to what the rule says, as the minute job would have recorded it (no audit rows: this is
 * the starting state, not transitions).
 */
export async function setOnlineReaders(db: pg.Client, readers: number, online: number, mix: PresenceMix = { idle: true }): Promise<void> {
  // Ends every session at once (and with them the devices) without the per-device sign-out trigger:
  // the state is set here, not recorded transition by transition.
  await db.query('truncate auth.sessions cascade');
  await db.query(`update private.reader_presence
    set chosen_status = 'available', status_message = null, chosen_at = null, expires_at = null
    where chosen_status <> 'available' or status_message is not null or expires_at is not null`);
  await db.query('begin');
  try {
    await db.query(
      `
      create temporary table online_readers on commit drop as
      select reader_id, gen_random_uuid() as session_id, (row_number() over (order by n))::int as n
      from (select id as reader_id, split_part(display_name, ' ', 2)::int as n from public.users where is_reader) numbered
      where floor(n::numeric * $2 / $1) > floor((n - 1)::numeric * $2 / $1)`,
      [readers, online],
    );
    await db.query(`
      insert into auth.sessions (id, user_id, created_at, updated_at, aal)
      select session_id, reader_id, now(), now(), 'aal1' from online_readers`);
    await db.query(
      `
      insert into private.reader_devices (session_id, reader_id, last_seen_at, last_input_at)
      select session_id, reader_id, seen_at,
             case when $1 and n % 20 = 3 then now() - interval '20 minutes' else seen_at end
      from (select *, now() - interval '20 seconds' - random() * interval '40 seconds' as seen_at from online_readers) o`,
      [mix.idle],
    );
    await db.query(`
      update private.reader_presence p
      set chosen_status = case when o.n % 20 in (0, 1) then 'busy' else 'away' end::public.presence_status,
          status_message = case when o.n % 20 in (0, 1) then 'In a reading' end,
          chosen_at = now() - interval '10 minutes',
          expires_at = now() + interval '1 hour'
      from online_readers o
      where p.reader_id = o.reader_id and o.n % 20 in (0, 1, 2)`);
    await db.query('commit');
  } catch (error) {
    await db.query('rollback');
    throw error;
  }
  await recordStatuses(db);
}

/** users.recorded_status of every reader set to what the rule says now, without audit rows. */
async function recordStatuses(db: pg.Client): Promise<void> {
  await db.query(`
    update public.users u
    set recorded_status = n.status
    from private.reader_presence_now n
    where n.reader_id = u.id and u.recorded_status <> n.status`);
  await db.query('vacuum analyze public.users, private.reader_devices, private.reader_presence, auth.sessions');
}

export interface SimulatedDevice {
  readerId: string;
  sessionId: string;
}

/** Every device there is, by reader: the heartbeat rounds give each one a token for its session. */
export async function onlineDevices(db: pg.Client): Promise<SimulatedDevice[]> {
  const { rows } = await db.query<{ reader_id: string; session_id: string }>(
    'select reader_id, session_id from private.reader_devices order by reader_id, session_id',
  );
  return rows.map((row) => ({ readerId: row.reader_id, sessionId: row.session_id }));
}

/** How many readers are online (status other than offline) and how many of them available, busy, away. */
export async function presenceCounts(db: pg.Client): Promise<{ online: number; available: number; busy: number; away: number }> {
  const {
    rows: [counts],
  } = await db.query<{ online: number; available: number; busy: number; away: number }>(`
    select count(*) filter (where status <> 'offline')::int as online,
           count(*) filter (where status = 'available')::int as available,
           count(*) filter (where status = 'busy')::int as busy,
           count(*) filter (where status = 'away')::int as away
    from private.reader_presence_now`);
  return counts!;
}

/**
 * `count` offline readers get a device heard eleven minutes ago while their recorded status is still
 * available: what a crashed browser leaves, and what both cleanups catch (silent five minutes and ten).
 */
export async function makeStaleReaders(db: pg.Client, count: number): Promise<void> {
  // A checkpoint first, so the cleanup that follows finds pages already written since the last one,
  // as the every-minute job does in steady state (heartbeats keep touching the same pages).
  // Online readers keep sending heartbeats meanwhile: their devices are heard again (20 to 60 s ago),
  // so however long the measurements take, only the stale readers are due a transition.
  // Those with input lately (not the idle ones) had input again.
  await db.query(`update private.reader_devices
    set last_seen_at = heard, last_input_at = case when last_input_at >= now() - interval '5 minutes' then heard else last_input_at end
    from (select now() - interval '20 seconds' - random() * interval '40 seconds' as heard) h
    where last_seen_at >= now() - interval '5 minutes' and last_seen_at < now() - interval '20 seconds'`);
  await db.query('checkpoint');
  await db.query('begin');
  try {
    await db.query(
      `
      create temporary table stale_readers on commit drop as
      select u.id as reader_id, gen_random_uuid() as session_id
      from public.users u
      where u.is_reader and u.recorded_status = 'offline'
        and not exists (select from private.reader_devices d where d.reader_id = u.id)
      order by u.id
      limit $1`,
      [count],
    );
    await db.query(`insert into auth.sessions (id, user_id, created_at, updated_at, aal)
      select session_id, reader_id, now() - interval '1 hour', now() - interval '1 hour', 'aal1' from stale_readers`);
    await db.query(`insert into private.reader_devices (session_id, reader_id, last_seen_at, last_input_at)
      select session_id, reader_id, now() - interval '11 minutes', now() - interval '11 minutes' from stale_readers`);
    await db.query(`update public.users u set recorded_status = 'available' from stale_readers s where u.id = s.reader_id`);
    await db.query('commit');
  } catch (error) {
    await db.query('rollback');
    throw error;
  }
  await db.query('vacuum analyze public.users, private.reader_devices, auth.sessions');
}

/** The stale readers' devices and sessions gone and the readers offline again, without timing or audit. */
export async function clearStaleReaders(db: pg.Client): Promise<void> {
  await db.query('begin');
  try {
    // Replica mode skips the sign-out trigger (and the foreign keys' actions): this resets the
    // data set, it is not readers signing out, so devices go before their sessions by hand.
    await db.query('set local session_replication_role = replica');
    await db.query(`
      create temporary table stale_devices on commit drop as
      select session_id, reader_id from private.reader_devices where last_seen_at < now() - interval '10 minutes'`);
    await db.query('delete from private.reader_devices d using stale_devices s where d.session_id = s.session_id');
    await db.query('delete from auth.sessions a using stale_devices s where a.id = s.session_id');
    await db.query(`update public.users u set recorded_status = 'offline'
      from stale_devices s where u.id = s.reader_id and u.recorded_status <> 'offline'`);
    await db.query('delete from public.presence_audit_log');
    await db.query('commit');
  } catch (error) {
    await db.query('rollback');
    throw error;
  }
  await db.query('vacuum analyze public.users, private.reader_devices, auth.sessions, public.presence_audit_log');
}

/**
 * The seed's literal design beside ours: `seed_users` (the same rows, default fillfactor) with the
 * seed's is_online and last_seen_at columns, filled from the project's presence (online: any status
 * but offline), its two presence indexes, its BEFORE UPDATE trigger on every row, and its policies,
 * which let a signed-in user PATCH is_online and last_seen_at of their own row with a time the
 * client sends. The seed's audit trigger is left out (the seed calls it optional), which only
 * flatters the seed path.
 */
export async function mirrorIntoSeedDesign(db: pg.Client): Promise<void> {
  await db.query(`
    drop table if exists public.seed_users;
    create table public.seed_users (like public.users including defaults including constraints);
    alter table public.seed_users drop column recorded_status;
    alter table public.seed_users add column is_online boolean default false, add column last_seen_at timestamptz;
    insert into public.seed_users (id, display_name, avatar_url, bio, specialties, is_reader, average_rating, review_count,
                                   level_id, created_at, updated_at, is_online, last_seen_at)
    select u.id, u.display_name, u.avatar_url, u.bio, u.specialties, u.is_reader, u.average_rating, u.review_count,
           u.level_id, u.created_at, u.updated_at, coalesce(n.status <> 'offline', false), n.last_seen_at
    from public.users u left join private.reader_presence_now n on n.reader_id = u.id;
    alter table public.seed_users add primary key (id);
    alter table public.seed_users add foreign key (level_id) references public.reader_levels (id);
    create index seed_users_last_seen_at_idx on public.seed_users (last_seen_at) where is_reader = true;
    create index seed_users_online_readers_idx on public.seed_users (is_online, last_seen_at) where is_reader = true;

    create or replace function public.seed_update_last_seen_on_online() returns trigger language plpgsql as $$
    begin
      if new.is_online = true and (old.is_online is null or old.is_online = false) then
        new.last_seen_at = now();
      end if;
      return new;
    end;
    $$;
    create trigger trigger_update_last_seen_on_online before update on public.seed_users
      for each row execute function public.seed_update_last_seen_on_online();

    alter table public.seed_users enable row level security;
    create policy "Users can update their own online status" on public.seed_users for update to authenticated
      using (auth.uid() = id) with check (auth.uid() = id);
    create policy "Anyone can read basic profile data" on public.seed_users for select using (true);
    grant select on public.seed_users to anon, authenticated;
    grant update on public.seed_users to authenticated;
    notify pgrst, 'reload schema';
  `);
  await db.query('vacuum analyze public.seed_users');
}

const ZONES = ['Europe/London', 'America/New_York', 'Australia/Sydney', 'Asia/Tokyo', 'Europe/Berlin'];

/**
 * Weekly hours for one reader in ten of those numbered `from` to `to`, in five zones: a three-hour
 * window every day and another, twelve hours later, on weekdays, their start hours spread over the
 * day, so that whenever the benchmark runs "later today" and the cards' next window have data.
 * The triggers keep each reader's next window on users, one statement at a time.
 */
export async function addReaderHours(db: pg.Client, from: number, to: number): Promise<void> {
  const readers = `select u.id, n / 10 as k from generate_series($1::int, $2::int) as n
                   join public.users u on u.display_name = 'Reader ' || n where n % 10 = 0`;
  await db.query(`insert into public.reader_schedules (reader_id, time_zone) select r.id, ($3::text[])[1 + r.k % 5] from (${readers}) r`, [from, to, ZONES]);
  // Start hours 0 to 20, so a window ends by 23:00; the second starts 12 (or 9 earlier) hours off.
  await db.query(
    `insert into public.reader_hours (reader_id, weekday, starts, ends)
     select r.id, d, make_time(h, 0, 0), make_time(h + 3, 0, 0)
     from (select id, (k / 5) % 21 as h from (${readers}) s) r cross join generate_series(1, 7) as d
     union all
     select r.id, d, make_time(h, 0, 0), make_time(h + 3, 0, 0)
     from (select id, ((k / 5) + 12) % 21 as h from (${readers}) s) r cross join generate_series(1, 5) as d`,
    [from, to],
  );
}
