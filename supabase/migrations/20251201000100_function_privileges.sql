-- Functions are not executable unless granted. PostgreSQL grants EXECUTE on every new function to
-- PUBLIC through a global default privilege; the per-schema revoke of 20251125000100 adds to the
-- global defaults and cannot take that grant away (ALTER DEFAULT PRIVILEGES docs), so any function
-- a later migration forgot to revoke was callable by anon through PostgREST.
-- Rollback: supabase/rollback/presence.sql

-- ============================================================================================
-- Future functions
-- ============================================================================================

-- No FOR ROLE: default privileges belong to the role that creates the objects, which is the role
-- running the migrations (postgres, locally and on Supabase).
alter default privileges revoke execute on functions from public;

-- ============================================================================================
-- Functions that already exist
-- ============================================================================================

-- Every function the API roles need was granted to them by name; trigger functions need no
-- EXECUTE right to fire. What PUBLIC still held (the trigger functions, security definer helpers)
-- goes, and tests/integration/database/function-privileges.test.ts pins the remaining list.
revoke execute on all functions in schema public from public;
