-- Demo data for local development: loaded by the local stack on its first start
-- (`supabase db push --include-seed`), never on a hosted project unless asked for.
-- Every demo account's password is `password123`.

-- ============================================================================================
-- Demo accounts
-- ============================================================================================

with demo_accounts (id, email, metadata) as (
  values
    ('11111111-1111-4111-8111-111111111111'::uuid, 'luna@demo.test',
     '{"display_name": "Luna Starweaver", "is_reader": true}'::jsonb),
    ('22222222-2222-4222-8222-222222222222'::uuid, 'orion@demo.test',
     '{"display_name": "Orion Vale", "is_reader": true}'::jsonb),
    ('33333333-3333-4333-8333-333333333333'::uuid, 'client@demo.test',
     '{"display_name": "Casey Client", "is_reader": false}'::jsonb)
),
new_users as (
  insert into auth.users (
    instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
    raw_app_meta_data, raw_user_meta_data, created_at, updated_at
  )
  select '00000000-0000-0000-0000-000000000000', id, 'authenticated', 'authenticated', email,
         extensions.crypt('password123', extensions.gen_salt('bf')), now(),
         '{"provider": "email", "providers": ["email"]}', metadata, now(), now()
  from demo_accounts
  returning id, email
)
insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
select id::text, id,
       jsonb_build_object('sub', id::text, 'email', email, 'email_verified', true, 'phone_verified', false),
       'email', now(), now(), now()
from new_users;
