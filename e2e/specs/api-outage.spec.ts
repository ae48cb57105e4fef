import { expect, expectOffline, expectOnline, FAILED_READ_MS, onlineFlag, ONE_POLL_MS, READERS, readerCard, signIn, test } from '../fixtures.ts';

const rowan = READERS.rowan;

test('7. the API goes away mid-session and comes back: an unobtrusive error, no crash, presence resumes by itself', async ({ people, api, db, shot }) => {
  const client = await people.open();
  const reader = await people.open({ path: '/sign-in' });
  await signIn(reader.page, rowan.email);
  await expectOnline(readerCard(client.page, rowan.name), rowan.name);

  await api.cut();
  await expect(client.page.getByRole('alert')).toContainText('could not be refreshed', { timeout: FAILED_READ_MS });
  // The last good list stays on screen.
  await expect(readerCard(client.page, READERS.luna.name)).toBeVisible();
  await expect(reader.page.getByRole('status').filter({ hasText: 'Reconnecting…' })).toBeVisible({ timeout: ONE_POLL_MS });
  await shot(client.page, 'client-during-outage');
  await shot(reader.page, 'reader-during-outage');

  // The outage outlasts the five-minute rule: the database has taken the reader offline meanwhile.
  await db.query("update public.users set last_seen_at = last_seen_at - interval '6 minutes' where id = $1", [rowan.id]);
  await db.query('select public.mark_inactive_readers_offline()');
  expect(await onlineFlag(db, rowan.id)).toBe(false);

  await api.restore();
  await expect(client.page.getByRole('alert')).toHaveCount(0, { timeout: FAILED_READ_MS });
  await expect(reader.page.getByRole('status').filter({ hasText: 'You are online' })).toBeVisible({ timeout: ONE_POLL_MS * 2 });
  await expect.poll(() => onlineFlag(db, rowan.id)).toBe(true);
  await expectOnline(readerCard(client.page, rowan.name), rowan.name);
  await expect(reader.page.getByRole('heading', { level: 1, name: 'Readers' })).toBeVisible();
});

test('a client who was offline in the meantime sees Offline readers correctly after the API returns', async ({ people, api }) => {
  const client = await people.open();
  await api.cut();
  await client.page.reload().catch(() => {});
  await expect(client.page.getByRole('alert')).toContainText('could not be loaded', { timeout: FAILED_READ_MS });

  await api.restore();
  await client.page.getByRole('button', { name: 'Try again' }).click();
  await expectOffline(readerCard(client.page, rowan.name), rowan.name);
});
