import { ageDevice } from '../../tests/support/presence-fixtures.ts';
import { expect, expectOffline, expectAvailable, FAILED_READ_MS, ONE_POLL_MS, ownStatus, READERS, readerCard, signIn, statusOf, test } from '../fixtures.ts';

const rowan = READERS.rowan;

test('7. the API goes away mid-session and comes back: an unobtrusive error, no crash, presence resumes by itself', async ({ people, api, db, shot }) => {
  const client = await people.open();
  const reader = await people.open({ path: '/sign-in' });
  await signIn(reader.page, rowan.email);
  await expectAvailable(readerCard(client.page, rowan.name), rowan.name);

  await api.cut();
  await expect(client.page.getByRole('alert')).toContainText('could not be refreshed', { timeout: FAILED_READ_MS });
  // The last good list stays on screen.
  await expect(readerCard(client.page, READERS.luna.name)).toBeVisible();
  await expect(ownStatus(reader.page)).toHaveAccessibleName(/^Your status: Reconnecting…/, { timeout: ONE_POLL_MS });
  await shot(client.page, 'client-during-outage');
  await shot(reader.page, 'reader-during-outage');

  // The outage outlasts the five-minute rule: the database has taken the reader offline meanwhile.
  const [device] = await db.query<{ session_id: string }>('select session_id from private.reader_devices where reader_id = $1', [rowan.id]);
  await ageDevice((text, values) => db.query(text, values), device!.session_id, { heardAgo: '6 minutes' });
  await db.query('select public.mark_inactive_readers_offline()');
  expect(await statusOf(db, rowan.id)).toBe('offline');

  await api.restore();
  await expect(client.page.getByRole('alert')).toHaveCount(0, { timeout: FAILED_READ_MS });
  await expect(ownStatus(reader.page)).toHaveAccessibleName(/^Your status: Available/, { timeout: ONE_POLL_MS * 2 });
  await expect.poll(() => statusOf(db, rowan.id)).toBe('available');
  await expectAvailable(readerCard(client.page, rowan.name), rowan.name);
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
