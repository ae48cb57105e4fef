/**
 * The benchmark's data: readers with realistic profile rows, a share of them online, and a copy of
 * them in the seed's literal design (its table shape, indexes, trigger and policies) so both designs
 * are measured on the same rows in the same run. Only ever run against the benchmark's throwaway stack.
 */
import type pg from 'pg';

const LEVELS = `
  insert into public.reader_levels (name, color_theme, icon, base_price_per_minute, description) values
    ('Apprentice', 'slate', 'sparkles', 1.99, 'New to the marketplace'),
    ('Adept', 'teal', 'moon', 2.99, 'Fifty readings or more'),
    ('Master', 'violet', 'star', 4.49, 'Top rated for a year'),
    ('Grand Master', 'amber', 'crown', 6.99, 'The marketplace''s most trusted')`;

/** Adds readers numbered from `from` to `to`; the auth sign-up trigger creates their profile rows. */
export async function addReaders(db: pg.Client, from: number, to: number): Promise<void> {
  if ((await db.query('select 1 from public.reader_levels limit 1')).rowCount === 0) await db.query(LEVELS);
  await db.query(`
    insert into auth.users (id, aud, role, email, raw_user_meta_data, created_at, updated_at)
    select gen_random_uuid(), 'authenticated', 'authenticated', 'reader-' || n || '@bench.test',
           jsonb_build_object('display_name', 'Reader ' || n, 'is_reader', true), now(), now()
    from generate_series($1::int, $2::int) as n`, [from, to]);
  const specialties = ['Tarot', 'Astrology', 'Love', 'Career', 'Dreams', 'Past lives', 'Numerology', 'Crystals', 'Runes', 'Mediumship'];
  await db.query(`
    update public.users u
    set avatar_url = 'https://images.example.test/readers/' || u.id || '.jpg',
        bio = repeat('Intuitive readings with warmth and honesty. ', 4 + (random() * 8)::int),
        specialties = array(select s from unnest($3::text[]) as s order by random() limit 2 + (random() * 3)::int),
        average_rating = round((3 + random() * 2)::numeric, 2),
        review_count = (random() * 800)::int,
        level_id = (select id from public.reader_levels order by random() + (u.id is null)::int limit 1),
        last_seen_at = now() - random() * interval '30 days'
    where u.display_name in (select 'Reader ' || n from generate_series($1::int, $2::int) as n)`, [from, to, specialties]);
}

/**
 * Exactly `online` readers flagged online and heard from within the last minute, spread evenly over
 * the reader numbers; the rest offline. The flag is set directly (audited as direct_update).
 */
export async function setOnlineReaders(db: pg.Client, readers: number, online: number): Promise<void> {
  await db.query(`
    with numbered as (
      select id, split_part(display_name, ' ', 2)::int as n from public.users where is_reader
    )
    update public.users u
    set is_online = floor(numbered.n::numeric * $2 / $1) > floor((numbered.n - 1)::numeric * $2 / $1),
        last_seen_at = case
          when floor(numbered.n::numeric * $2 / $1) > floor((numbered.n - 1)::numeric * $2 / $1)
          then now() - random() * interval '60 seconds'
          else u.last_seen_at
        end
    from numbered
    where numbered.id = u.id`, [readers, online]);
  await db.query('vacuum analyze public.users');
}

export async function onlineReaderIds(db: pg.Client): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>('select id from public.users where is_reader and is_online order by id');
  return rows.map((row) => row.id);
}

/** `count` offline readers become flagged online but silent for eleven minutes: what both cleanups catch. */
export async function makeStaleReaders(db: pg.Client, count: number): Promise<void> {
  // A checkpoint first, so the cleanup that follows finds pages already written since the last one,
  // as the every-minute job does in steady state (heartbeats keep touching the same pages).
  await db.query('checkpoint');
  // Coming online stamps last_seen_at with now() (the trigger), so the flag first, the time after.
  const { rows } = await db.query<{ id: string }>(`
    update public.users set is_online = true
    where id in (select id from public.users where is_reader and not is_online order by id limit $1)
    returning id`, [count]);
  await db.query(`update public.users set last_seen_at = now() - interval '11 minutes' where id = any ($1)`, [rows.map((row) => row.id)]);
  await db.query('vacuum analyze public.users');
}

/** Stale readers (flagged online, silent for ten minutes or more) back to offline, without timing. */
export async function clearStaleReaders(db: pg.Client): Promise<void> {
  await db.query(`update public.users set is_online = false
    where is_reader and is_online and last_seen_at < now() - interval '10 minutes'`);
  await db.query('delete from public.presence_audit_log');
  await db.query('vacuum analyze public.users, public.presence_audit_log');
}

/**
 * The seed's literal design beside ours: `seed_users` (the same rows, default fillfactor), the seed's
 * two presence indexes, its BEFORE UPDATE trigger on every row, and its policies, which let a signed-in
 * user PATCH is_online and last_seen_at of their own row with a time the client sends. The seed's
 * audit trigger is left out (the seed calls it optional), which only flatters the seed path.
 */
export async function mirrorIntoSeedDesign(db: pg.Client): Promise<void> {
  await db.query(`
    drop table if exists public.seed_users;
    create table public.seed_users (like public.users including defaults including constraints);
    insert into public.seed_users select * from public.users;
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
