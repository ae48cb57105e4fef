import type { Page } from '@playwright/test';
import { expect, READERS, readerCard, test } from '../fixtures.ts';

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

test('9. a new reader signs up, edits their card and sees it in the list; edits beyond their own card are refused by the server', async ({
  people,
  db,
  shot,
}) => {
  const { page } = await people.open({ path: '/sign-up' });
  const stamp = Date.now().toString(36);
  const name = `Nova Quill ${stamp}`;

  await page.getByText('I give readings').click();
  await expect(page.getByRole('radio', { name: /I give readings/ })).toBeChecked();
  await page.getByLabel('Display name').fill('Nova');
  await page.getByLabel('Email').fill(`nova-${stamp}@example.test`);
  await page.getByLabel('Password').fill('moonlight-42');
  await page.getByRole('button', { name: 'Create account' }).click();

  await expect(page.getByRole('heading', { level: 1, name: 'Your profile' })).toBeVisible();
  await page.getByLabel('Display name').fill(name);
  await page.getByLabel('About you').fill('I read the cards by candlelight.');
  await page.getByLabel('Specialties').fill('Dreams, Past lives');
  await page.getByRole('button', { name: 'Save profile' }).click();
  await expect(page.getByText('Profile saved.')).toBeVisible();
  await shot(page, 'profile-saved');

  await page.getByRole('link', { name: 'Readers', exact: true }).click();
  const card = readerCard(page, name);
  await expect(card.getByRole('list', { name: 'Specialties' })).toHaveText(/Dreams\s*Past lives/);
  // Signed in as a reader: available.
  await expect(card.getByText('Available', { exact: true })).toBeVisible();
  await shot(page, 'new-reader-in-list');

  const [me] = await db.query<{ id: string }>('select id from public.users where display_name = $1', [name]);
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
