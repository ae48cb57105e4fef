/**
 * Vetted readers and the admin role (20251125000900_reader_applications.sql), by actor, through
 * the API each actor really has (supabase-js through the gateway, PostgREST and Auth): signing up as
 * a reader applies; an applicant is not a reader (not listed, no presence, no favourites) until an
 * admin approves; nobody makes themself admin or decides their own application; the admin role is
 * the token's claim and the account's, so a demoted admin stops at once; listed names are unique
 * whatever their case. Every refusal is also checked for what it did not write.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunningStack } from '../../../local-stack/stack.ts';
import { clientFor, DEMO_IDS, signedInAs, sql, startTestStack, uniqueEmail } from '../../support/test-stack.ts';
import { cardOf, clientWithToken, heartbeat, mintToken, signUpApplicant, type Reader } from './presence-clients.ts';

interface Application {
  applicant_id: string;
  status: 'pending' | 'approved' | 'rejected';
  submitted_at: string;
  decided_at: string | null;
  decided_by: string | null;
  reason: string | null;
}

let stack: RunningStack;
let anon: SupabaseClient;
let admin: SupabaseClient;
let client: SupabaseClient;

beforeAll(async () => {
  stack = await startTestStack({ presenceJobs: false });
  anon = clientFor(stack);
  admin = (await signedInAs(stack, 'admin@demo.test')).client;
  client = (await signedInAs(stack, 'client@demo.test')).client;
});

afterAll(async () => {
  await stack?.stop();
});

/** What the database holds, whatever any client may see. */
async function stored(applicantId: string) {
  const [row] = await sql<{ status: string; reason: string | null; decided_by: string | null; is_reader: boolean }>(
    stack,
    `select a.status::text, a.reason, a.decided_by, u.is_reader
     from public.users u left join public.reader_applications a on a.applicant_id = u.id where u.id = $1`,
    [applicantId],
  );
  return row;
}

const decide = (as: SupabaseClient, applicant: string, approve: boolean | null, reason?: string | null) =>
  as.rpc('decide_reader_application', { applicant, approve, ...(reason === undefined ? {} : { reason }) });

const listed = async (readerId: string) => (await anon.from('reader_cards').select('id').eq('id', readerId)).data?.length === 1;

describe('an applicant', () => {
  let applicant: Reader;

  beforeAll(async () => {
    applicant = await signUpApplicant(stack, 'applicant');
  });

  test('has a pending application from sign-up, is not a reader, not listed, and cannot report presence or be a favourite', async () => {
    expect(await stored(applicant.userId)).toEqual({ status: 'pending', reason: null, decided_by: null, is_reader: false });
    expect(await listed(applicant.userId)).toBe(false);
    const beat = await applicant.client.rpc('reader_heartbeat', { idle_seconds: 0 });
    expect([beat.error?.code, beat.error?.message]).toEqual(['42501', 'only readers report presence']);
    expect(await sql(stack, 'select 1 from private.reader_devices where reader_id = $1', [applicant.userId])).toEqual([]);
    const starred = await client.from('favourites').insert({ reader_id: applicant.userId });
    expect([starred.error?.code, starred.error?.message]).toEqual(['22023', 'only readers can be favourites']);
  });

  test('reads their own application; other users and anon read none', async () => {
    const own = await applicant.client.from('reader_applications').select('*').overrideTypes<Application[], { merge: false }>();
    expect(own.data).toEqual([expect.objectContaining({ applicant_id: applicant.userId, status: 'pending', decided_at: null })]);
    expect((await client.from('reader_applications').select('*')).data).toEqual([]);
    const asAnon = await anon.from('reader_applications').select('*');
    expect([asAnon.status, asAnon.error?.code]).toEqual([401, '42501']);
  });

  test('cannot write an application, decide their own, make themself admin, or apply twice', async () => {
    const written = await applicant.client.from('reader_applications').update({ status: 'approved' }).eq('applicant_id', applicant.userId);
    expect(written.error?.code).toBe('42501');
    const inserted = await applicant.client.from('reader_applications').insert({ applicant_id: applicant.userId, status: 'approved' });
    expect(inserted.error?.code).toBe('42501');
    const approvedSelf = await decide(applicant.client, applicant.userId, true);
    expect([approvedSelf.error?.code, approvedSelf.error?.message]).toEqual(['42501', 'only admins decide reader applications']);
    const promoted = await applicant.client.auth.updateUser({ data: { role: 'admin' } });
    expect(promoted.error).toBeNull();
    const viaAppMetadata = await fetch(`${stack.apiUrl}/auth/v1/user`, {
      method: 'PUT',
      headers: {
        apikey: stack.anonKey,
        authorization: `Bearer ${(await applicant.client.auth.getSession()).data.session!.access_token}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ app_metadata: { role: 'admin' } }),
    });
    expect(viaAppMetadata.status).toBe(403);
    // user_metadata is the user's own to write, and worth nothing: the role is read from app_metadata.
    await applicant.client.auth.refreshSession();
    expect((await decide(applicant.client, applicant.userId, true)).error?.code).toBe('42501');
    const madeAdmin = await applicant.client.rpc('set_admin', { user_id: applicant.userId, admin: true });
    expect(madeAdmin.error?.code).toBe('42501');
    const again = await applicant.client.rpc('apply_as_reader');
    expect([again.error?.code, again.error?.message]).toEqual(['22023', 'your application is already pending']);
    expect(await stored(applicant.userId)).toEqual({ status: 'pending', reason: null, decided_by: null, is_reader: false });
    expect(await sql(stack, "select raw_app_meta_data ->> 'role' as role from auth.users where id = $1", [applicant.userId])).toEqual([{ role: null }]);
  });

  test('a forged token claiming admin is refused: the account must say so too', async () => {
    const forged = clientWithToken(stack, mintToken(stack, { sub: applicant.userId, app_metadata: { role: 'admin' } }));
    const approved = await decide(forged, applicant.userId, true);
    expect(approved.error?.code).toBe('42501');
    const others = await decide(forged, DEMO_IDS.morgan, true);
    expect(others.error?.code).toBe('42501');
    expect((await stored(DEMO_IDS.morgan))!.status).toBe('pending');
  });
});

describe('an admin', () => {
  test('sees the pending applications with the applicants profiles, oldest first', async () => {
    const applicant = await signUpApplicant(stack, 'queue');
    const { data, error } = await admin
      .from('reader_applications')
      .select('applicant_id, status, applicant:users!reader_applications_applicant_id_fkey ( display_name, bio )')
      .eq('status', 'pending')
      .order('submitted_at')
      .overrideTypes<Array<{ applicant_id: string; applicant: { display_name: string } }>, { merge: false }>();
    expect(error).toBeNull();
    const ids = data!.map((row) => row.applicant_id);
    expect(ids.indexOf(DEMO_IDS.morgan)).toBeLessThan(ids.indexOf(applicant.userId));
    expect(data!.find((row) => row.applicant_id === DEMO_IDS.morgan)!.applicant.display_name).toBe('Morgan Applicant');
  });

  test('approves an applicant: a reader at the entry level, listed, reporting presence; the decision is theirs and the time the database’s', async () => {
    const applicant = await signUpApplicant(stack, 'approved');
    const { data, error } = (await decide(admin, applicant.userId, true)) as { data: Application | null; error: unknown };
    expect(error).toBeNull();
    expect(data).toMatchObject({ applicant_id: applicant.userId, status: 'approved', decided_by: DEMO_IDS.admin, reason: null });
    expect(Math.abs(Date.parse(data!.decided_at!) - Date.now())).toBeLessThan(60_000);
    expect(await stored(applicant.userId)).toMatchObject({ status: 'approved', is_reader: true });
    const levelSql = 'select l.name as level from public.users u join public.reader_levels l on l.id = u.level_id where u.id = $1';
    expect(await sql(stack, levelSql, [applicant.userId])).toEqual([{ level: 'Apprentice' }]);
    expect((await heartbeat(applicant.client)).status).toBe('available');
    expect((await cardOf(anon, applicant.userId)).status).toBe('available');
    const twice = await decide(admin, applicant.userId, false, 'changed my mind');
    expect([twice.error?.code, twice.error?.message]).toEqual(['22023', 'this application is already decided']);
    expect(await stored(applicant.userId)).toMatchObject({ status: 'approved', is_reader: true });
  });

  test('an approved application deleted by ops takes the reader off the list: being a reader follows it', async () => {
    const applicant = await signUpApplicant(stack, 'withdrawn');
    expect((await decide(admin, applicant.userId, true)).error).toBeNull();
    expect(await listed(applicant.userId)).toBe(true);
    await sql(stack, 'delete from public.reader_applications where applicant_id = $1', [applicant.userId]);
    expect(await stored(applicant.userId)).toEqual({ status: null, reason: null, decided_by: null, is_reader: false });
    expect(await listed(applicant.userId)).toBe(false);
  });

  test('rejects with a reason the applicant reads; they may apply again and be approved', async () => {
    const applicant = await signUpApplicant(stack, 'rejected');
    const noReason = await decide(admin, applicant.userId, false);
    expect([noReason.error?.code, noReason.error?.message]).toContain('23514');
    expect(noReason.error?.message).toContain('reader_applications_rejection_reason');
    const blank = await decide(admin, applicant.userId, false, '   ');
    expect(blank.error?.code).toBe('23514');
    expect((await stored(applicant.userId))!.status).toBe('pending');

    expect((await decide(admin, applicant.userId, false, 'Please add a bio and your specialties.')).error).toBeNull();
    const seen = await applicant.client.from('reader_applications').select('status, reason').single();
    expect(seen.data).toEqual({ status: 'rejected', reason: 'Please add a bio and your specialties.' });
    expect(await listed(applicant.userId)).toBe(false);

    const reapplied = await applicant.client.rpc('apply_as_reader');
    expect(reapplied.error).toBeNull();
    expect(reapplied.data).toMatchObject({ status: 'pending', reason: null, decided_at: null, decided_by: null });
    expect((await decide(admin, applicant.userId, true)).error).toBeNull();
    expect(await listed(applicant.userId)).toBe(true);
  });

  test('hostile decisions are refused with a clear error and change nothing', async () => {
    const applicant = await signUpApplicant(stack, 'hostile');
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ applicant: applicant.userId, approve: null }, '22004'],
      [{ applicant: '00000000-0000-4000-8000-000000000000', approve: true }, 'P0002'],
      [{ applicant: 'not-a-uuid', approve: true }, '22P02'],
      [{ applicant: applicant.userId, approve: false, reason: 'x'.repeat(501) }, '23514'],
      [{ applicant: applicant.userId, approve: false, reason: 'two\nlines' }, '23514'],
      [{ applicant: applicant.userId, approve: 'yes please' }, '22P02'],
      [{ applicant: DEMO_IDS.admin, approve: true }, '42501'],
    ];
    for (const [args, code] of cases) {
      const { error } = await admin.rpc('decide_reader_application', args);
      expect(error?.code, JSON.stringify(args).slice(0, 80)).toBe(code);
    }
    expect(await stored(applicant.userId)).toEqual({ status: 'pending', reason: null, decided_by: null, is_reader: false });
    expect((await client.rpc('decide_reader_application', { applicant: applicant.userId, approve: true })).error?.code).toBe('42501');
    expect((await anon.rpc('decide_reader_application', { applicant: applicant.userId, approve: true })).error?.code).toBe('42501');
  });

  test('makes another user an admin, who then decides; demoted, their token stops working at once', async () => {
    const deputy = await signedInAs(stack, 'client@demo.test');
    const applicant = await signUpApplicant(stack, 'deputy-queue');
    expect((await admin.rpc('set_admin', { user_id: deputy.userId, admin: true })).error).toBeNull();
    // The claim comes with the next token.
    expect((await decide(deputy.client, applicant.userId, false, 'Not yet.')).error?.code).toBe('42501');
    await deputy.client.auth.refreshSession();
    expect((await decide(deputy.client, applicant.userId, false, 'Not yet.')).error).toBeNull();

    const self = await deputy.client.rpc('set_admin', { user_id: deputy.userId, admin: false });
    expect([self.error?.code, self.error?.message]).toEqual(['42501', 'an admin cannot change their own role: ask another admin']);
    expect((await admin.rpc('set_admin', { user_id: deputy.userId, admin: false })).error).toBeNull();
    // The token still says admin; the account no longer does.
    expect((await decide(deputy.client, applicant.userId, true)).error?.code).toBe('42501');
    expect((await stored(applicant.userId))!.status).toBe('rejected');
    expect((await admin.rpc('set_admin', { user_id: '00000000-0000-4000-8000-000000000000', admin: true })).error?.code).toBe('P0002');
  });

  test('a banned admin is no admin', async () => {
    const deputy = await signUpApplicant(stack, 'banned-admin', 'Banned Admin');
    expect((await admin.rpc('set_admin', { user_id: deputy.userId, admin: true })).error).toBeNull();
    await deputy.client.auth.refreshSession();
    expect((await deputy.client.from('reader_applications').select('applicant_id')).data!.length).toBeGreaterThan(1);
    await sql(stack, "update auth.users set banned_until = now() + interval '1 day' where id = $1", [deputy.userId]);
    expect((await deputy.client.from('reader_applications').select('applicant_id')).data).toEqual([expect.objectContaining({ applicant_id: deputy.userId })]);
  });
});

describe('listed names are unique, whatever their case or composition', () => {
  test("an applicant named like a listed reader cannot be approved until they rename; a reader cannot take another's name", async () => {
    const copycat = await signUpApplicant(stack, 'copycat', 'LUNA STARWEAVER');
    const refused = await decide(admin, copycat.userId, true);
    expect([refused.error?.code, refused.error?.message]).toEqual(['23505', 'another listed reader has this name: ask the applicant to choose another']);
    expect(await stored(copycat.userId)).toMatchObject({ status: 'pending', is_reader: false });

    const fullwidth = await signUpApplicant(stack, 'fullwidth', 'Ｌｕｎａ Ｓｔａｒｗｅａｖｅｒ');
    expect((await decide(admin, fullwidth.userId, true)).error?.code).toBe('23505');

    expect((await copycat.client.from('users').update({ display_name: 'Luna of the Moors' }).eq('id', copycat.userId)).error).toBeNull();
    expect((await decide(admin, copycat.userId, true)).error).toBeNull();
    const renamed = await copycat.client.from('users').update({ display_name: 'orion vale' }).eq('id', copycat.userId);
    expect([renamed.error?.code, renamed.error?.message]).toEqual(['23505', 'duplicate key value violates unique constraint "users_reader_display_name_key"']);
    expect(await sql(stack, 'select display_name from public.users where id = $1', [copycat.userId])).toEqual([{ display_name: 'Luna of the Moors' }]);
  });

  test('clients may share a name with a reader: only listed names must differ', async () => {
    const email = uniqueEmail('namesake');
    const { error } = await clientFor(stack).auth.signUp({ email, password: 'client-password-1', options: { data: { display_name: 'Luna Starweaver' } } });
    expect(error).toBeNull();
  });
});
