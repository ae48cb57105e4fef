-- Demo data for local development: loaded by the local stack on its first start
-- (`supabase db push --include-seed`), never on a hosted project unless asked for.
-- Every demo account's password is `password123`, hashed at bcrypt cost 10 as Supabase Auth hashes
-- (pgcrypto's default of 6 would let sign-in timing tell the demo accounts apart).

-- ============================================================================================
-- Reader levels
-- ============================================================================================

insert into public.reader_levels (name, color_theme, icon, base_price_per_minute, description)
values
  ('Apprentice', 'slate', 'sparkles', 1.99, 'New to the marketplace, reading with care and curiosity.'),
  ('Adept', 'violet', 'moon', 3.49, 'Seasoned readers with a loyal following.'),
  ('Master', 'amber', 'sun', 5.99, 'Our most sought-after readers.');

-- ============================================================================================
-- Demo accounts (public.users rows and reader applications come from the on_auth_user_created
-- trigger; app_metadata is what Auth's admin API would have written)
-- ============================================================================================

with demo_accounts (id, email, metadata, app_metadata) as (
  values
    ('11111111-1111-4111-8111-111111111111'::uuid, 'luna@demo.test',
     '{"display_name": "Luna Starweaver", "is_reader": true}'::jsonb, '{}'::jsonb),
    ('22222222-2222-4222-8222-222222222222'::uuid, 'orion@demo.test',
     '{"display_name": "Orion Vale", "is_reader": true}'::jsonb, '{}'::jsonb),
    ('44444444-4444-4444-8444-444444444444'::uuid, 'selene@demo.test',
     '{"display_name": "Selene Ashgrove", "is_reader": true}'::jsonb, '{}'::jsonb),
    ('55555555-5555-4555-8555-555555555555'::uuid, 'rowan@demo.test',
     '{"display_name": "Rowan Thorne", "is_reader": true}'::jsonb, '{}'::jsonb),
    ('33333333-3333-4333-8333-333333333333'::uuid, 'client@demo.test',
     '{"display_name": "Casey Client", "is_reader": false}'::jsonb, '{}'::jsonb),
    ('66666666-6666-4666-8666-666666666666'::uuid, 'admin@demo.test',
     '{"display_name": "Ada Admin"}'::jsonb, '{"role": "admin"}'::jsonb),
    ('77777777-7777-4777-8777-777777777777'::uuid, 'morgan@demo.test',
     '{"display_name": "Morgan Applicant", "is_reader": true}'::jsonb, '{}'::jsonb)
),
new_users as (
  insert into auth.users (
    instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
    raw_app_meta_data, raw_user_meta_data, created_at, updated_at
  )
  select '00000000-0000-0000-0000-000000000000', id, 'authenticated', 'authenticated', email,
         extensions.crypt('password123', extensions.gen_salt('bf', 10)), now(),
         '{"provider": "email", "providers": ["email"]}'::jsonb || app_metadata, metadata, now(), now()
  from demo_accounts
  returning id, email
)
insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
select id::text, id,
       jsonb_build_object('sub', id::text, 'email', email, 'email_verified', true, 'phone_verified', false),
       'email', now(), now(), now()
from new_users;

-- The four demo readers were vetted by Ada; Morgan applied and waits for an admin.
update public.reader_applications
set status = 'approved', decided_at = now(), decided_by = '66666666-6666-4666-8666-666666666666'
where applicant_id in ('11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222',
                       '44444444-4444-4444-8444-444444444444', '55555555-5555-4555-8555-555555555555');

-- ============================================================================================
-- Reader cards, and presence on both sides of the five-minute rule
-- ============================================================================================

update public.users u
set bio = card.bio,
    specialties = card.specialties,
    average_rating = card.rating,
    review_count = card.reviews,
    level_id = (select id from public.reader_levels where name = card.level)
from (
  values
    ('11111111-1111-4111-8111-111111111111'::uuid, 'Celtic Cross readings for love and crossroads.',
     array['love', 'career', 'celtic cross'], 4.9, 212, 'Master'),
    ('22222222-2222-4222-8222-222222222222'::uuid, 'Straight answers from the Major Arcana.',
     array['career', 'finance'], 4.6, 87, 'Adept'),
    ('44444444-4444-4444-8444-444444444444'::uuid, 'Moon-cycle spreads and shadow work.',
     array['spiritual growth', 'shadow work'], 4.8, 140, 'Master'),
    ('55555555-5555-4555-8555-555555555555'::uuid, 'Gentle first readings for newcomers.',
     array['love', 'family'], 4.2, 12, 'Apprentice')
) as card (id, bio, specialties, rating, reviews, level)
where u.id = card.id;

-- Presence on both sides of the five-minute rule. A device is a signed-in browser (an auth
-- session): Luna and Selene each have one heard just now, so they are available; Selene is in a
-- reading. Orion's device went silent 20 minutes ago, so he is offline (the minute job records it);
-- Rowan signed out two days ago.
insert into auth.sessions (id, user_id, created_at, updated_at, aal)
values
  ('aaaaaaaa-1111-4111-8111-111111111111', '11111111-1111-4111-8111-111111111111', now(), now(), 'aal1'),
  ('aaaaaaaa-4444-4444-8444-444444444444', '44444444-4444-4444-8444-444444444444', now(), now(), 'aal1'),
  ('aaaaaaaa-2222-4222-8222-222222222222', '22222222-2222-4222-8222-222222222222', now(), now(), 'aal1');

insert into private.reader_devices (session_id, reader_id, last_seen_at, last_input_at)
values
  ('aaaaaaaa-1111-4111-8111-111111111111', '11111111-1111-4111-8111-111111111111', now(), now()),
  ('aaaaaaaa-4444-4444-8444-444444444444', '44444444-4444-4444-8444-444444444444', now(), now()),
  ('aaaaaaaa-2222-4222-8222-222222222222', '22222222-2222-4222-8222-222222222222',
   now() - interval '20 minutes', now() - interval '20 minutes');

insert into private.reader_presence (reader_id, chosen_status, status_message, chosen_at, expires_at, last_seen_at)
values
  ('44444444-4444-4444-8444-444444444444', 'busy', 'In a moon-cycle reading', now(), now() + interval '2 hours', null),
  ('55555555-5555-4555-8555-555555555555', 'available', null, null, null, now() - interval '2 days');

-- Orion stays recorded as available until the minute job catches up, as after a crashed browser.
update public.users set recorded_status = 'available'
where id in ('11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222');
update public.users set recorded_status = 'busy' where id = '44444444-4444-4444-8444-444444444444';
