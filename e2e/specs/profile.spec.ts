import type { Page } from '@playwright/test';
import {
  ADMIN,
  APPLICANT,
  expect,
  expectAvailable,
  expectNotReloaded,
  markPage,
  ONE_POLL_MS,
  ownStatus,
  READERS,
  readerCard,
  signIn,
  test,
} from '../fixtures.ts';

/** A request the person could type into the browser console, with their own session. */
function fromConsole(page: Page, path: string, method: string, body: unknown) {
  return page.evaluate(
    async ({ path, method, body, apiUrl, anonKey }) => {
      const storageKey = Object.keys(localStorage).find((key) => key.startsWith('sb-') && key.endsWith('-auth-token'));
      const session = JSON.parse(localStorage.getItem(storageKey ?? '') ?? '{}') as { access_token?: string };
      const response = await fetch(`${apiUrl}${path}`, {
        method,
        headers: {
          apikey: anonKey,
          Authorization: `Bearer ${session.access_token}`,
          'Content-Type': 'application/json',
          Prefer: 'return=representation',
        },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: await response.text() };
    },
    { path, method, body, apiUrl: process.env.E2E_API_URL!, anonKey: process.env.E2E_ANON_KEY! },
  );
}

test('9. a new reader signs up and applies; their card is listed only once an admin approves it, then as Available without signing in again; edits beyond their own card are refused by the server', async ({
  people,
  db,
  shot,
}) => {
  const { page } = await people.open({ path: '/sign-up' });
  const stamp = Date.now().toString(36);
  const name = `Nova Quill ${stamp}`;

  const readerChoice = page.getByRole('radio', { name: /I give readings/ });
  await expect(readerChoice).toHaveAccessibleName(/An admin reviews each application before your card is listed/);
  await page.getByText('I give readings').click();
  await expect(readerChoice).toBeChecked();
  await page.getByLabel('Display name').fill('Nova');
  await page.getByLabel('Email').fill(`nova-${stamp}@example.test`);
  await page.getByLabel('Password').fill('moonlight-42');
  await page.getByRole('button', { name: 'Create account' }).click();

  await expect(page.getByRole('heading', { level: 1, name: 'Your profile' })).toBeVisible();
  await expect(page.getByText('Your application to give readings is being reviewed.')).toBeVisible();
  // The applicant completes their card for the review.
  await page.getByLabel('Display name').fill(name);
  await page.getByLabel('About you').fill('I read the cards by candlelight.');
  await page.getByLabel('Specialties').fill('Dreams, Past lives');
  await page.getByRole('button', { name: 'Save profile' }).click();
  await expect(page.getByText('Profile saved.')).toBeVisible();
  await shot(page, 'application-pending');

  // Not a reader yet: not listed, and the app reports no presence for them.
  await page.getByRole('link', { name: 'Readers', exact: true }).click();
  await expect(readerCard(page, READERS.luna.name)).toBeVisible();
  await expect(readerCard(page, name)).toHaveCount(0);
  await expect(ownStatus(page)).toHaveCount(0);
  const [me] = await db.query<{ id: string; is_reader: boolean }>('select id, is_reader from public.users where display_name = $1', [name]);
  expect(me!.is_reader).toBe(false);
  expect(await db.query('select from private.reader_devices where reader_id = $1', [me!.id])).toHaveLength(0);
  // Nor can they approve themself, or list themself, from the console.
  const selfApproval = await fromConsole(page, '/rest/v1/rpc/decide_reader_application', 'POST', { applicant: me!.id, approve: true });
  expect(selfApproval.status).toBe(403);
  expect(selfApproval.body).toContain('only admins decide reader applications');
  const selfListing = await fromConsole(page, `/rest/v1/users?id=eq.${me!.id}`, 'PATCH', { is_reader: true });
  expect(selfListing.body).toContain('permission denied');
  await markPage(page);

  const admin = await people.open({ path: '/sign-in' });
  await signIn(admin.page, ADMIN.email);
  await admin.page.getByRole('link', { name: 'Applications' }).click();
  await expect(admin.page.getByRole('heading', { level: 1, name: 'Reader applications' })).toBeVisible();
  // Oldest first: Morgan applied when the seed was made.
  await expect(admin.page.getByRole('list', { name: 'Pending applications' }).getByRole('heading')).toHaveText([APPLICANT.name, name]);
  const application = admin.page.getByRole('article', { name });
  await expect(application.getByText('I read the cards by candlelight.')).toBeVisible();
  await expect(application.getByText('Dreams, Past lives')).toBeVisible();
  await shot(admin.page, 'review');
  await application.getByRole('button', { name: `Approve ${name}` }).click();
  await expect(admin.page.getByRole('status').filter({ hasText: `${name} is approved` })).toBeVisible();
  await expect(application).toHaveCount(0);
  await expect(admin.page.getByRole('heading', { level: 1, name: 'Reader applications' })).toBeFocused();

  // The applicant's app rereads a pending application as often as the list refreshes: it learns
  // of the approval by itself, reads the profile again, and the heartbeat starts.
  const card = readerCard(page, name);
  await expect(card).toBeVisible({ timeout: 2 * ONE_POLL_MS });
  await expect(card.getByRole('list', { name: 'Specialties' })).toHaveText(/Dreams\s*Past lives/);
  await expectAvailable(card, name);
  await expect(ownStatus(page)).toHaveAccessibleName(/^Your status: Available/);
  await expectNotReloaded(page);
  await shot(page, 'new-reader-in-list');
  await admin.page.getByRole('link', { name: 'Readers', exact: true }).click();
  await expectAvailable(readerCard(admin.page, name), name);
  await page.getByRole('link', { name: `${name} (your profile)` }).click();
  await expect(page.getByText('This is your card in the readers list.')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Your hours' })).toBeVisible();

  const before = await db.query('select id, display_name, is_reader, average_rating, level_id from public.users order by id');

  const othersRow = await fromConsole(page, `/rest/v1/users?id=eq.${READERS.luna.id}`, 'PATCH', { display_name: 'Hacked' });
  expect(othersRow).toEqual({ status: 200, body: '[]' });
  for (const forbidden of [{ is_reader: false }, { average_rating: 5 }, { level_id: 3 }, { recorded_status: 'available' }]) {
    const attempt = await fromConsole(page, `/rest/v1/users?id=eq.${me!.id}`, 'PATCH', forbidden);
    expect(attempt.status, JSON.stringify(forbidden)).toBeGreaterThanOrEqual(400);
    expect(attempt.body).toContain('permission denied');
  }
  const audit = await fromConsole(page, '/rest/v1/presence_audit_log', 'POST', {
    user_id: me!.id,
    old_status: 'offline',
    new_status: 'available',
    cause: 'heartbeat',
  });
  expect(audit.status).toBeGreaterThanOrEqual(400);

  expect(await db.query('select id, display_name, is_reader, average_rating, level_id from public.users order by id')).toEqual(before);
});
