import AxeBuilder from '@axe-core/playwright';
import { createClient } from '@supabase/supabase-js';
import ws from 'ws';
import { auditOf } from '../../tests/support/presence-fixtures.ts';
import { DEMO_PASSWORD } from '../../tests/support/test-stack.ts';
import {
  chooseStatus,
  expect,
  expectAvailable,
  expectOffline,
  expectStatus,
  ONE_POLL_MS,
  ownStatus,
  READERS,
  readerCard,
  signIn,
  statusOf,
  test,
  type Database,
} from '../fixtures.ts';

const rowan = READERS.rowan;

const auditTrail = (db: Database, readerId: string) => auditOf((text, values) => db.query(text, values), readerId);

test('11. a reader in a reading or away shows so in words, and the client cannot start a video with them', async ({ people, db, shot }) => {
  const client = await people.open();
  const reader = await people.open({ path: '/sign-in' });
  await signIn(reader.page, rowan.email);
  const card = readerCard(client.page, rowan.name);
  await expectAvailable(card, rowan.name);

  await chooseStatus(reader.page, 'Busy', { message: 'With a client until 3pm', duration: '1 hour' });
  await expect(ownStatus(reader.page)).toHaveAccessibleName(/^Your status: In a reading for (59 min|1 h) more/);
  await expectStatus(card, rowan.name, 'busy');
  await expect(card.getByText('“With a client until 3pm”')).toBeVisible();
  await shot(client.page, 'client-sees-busy');

  await client.page.goto(`/readers/${rowan.id}`);
  await expect(client.page.getByText(`${rowan.name} is in a reading. Video readings open when they are available again`)).toBeVisible();
  await client.page.goto('/readers');

  await chooseStatus(reader.page, 'Away', { message: '' });
  await expectStatus(card, rowan.name, 'away');
  await expect(card.getByText(/“/)).toHaveCount(0);
  await shot(client.page, 'client-sees-away');

  await chooseStatus(reader.page, 'Available');
  await expectAvailable(card, rowan.name);
  expect((await auditTrail(db, rowan.id)).map((row) => `${row.old_status}>${row.new_status}:${row.cause}`)).toEqual([
    'offline>available:heartbeat',
    'available>busy:reader_choice',
    'busy>away:reader_choice',
    'away>available:reader_choice',
  ]);
});

test('12. a reader who appears offline looks Offline to clients and "hidden" to themselves, and keeps reporting', async ({ people, db, shot }) => {
  const client = await people.open();
  const reader = await people.open({ path: '/sign-in' });
  await signIn(reader.page, rowan.email);
  await expectAvailable(readerCard(client.page, rowan.name), rowan.name);

  await chooseStatus(reader.page, 'Appear offline', { message: 'Not here' });
  await expect(ownStatus(reader.page)).toHaveAccessibleName(/^Your status: Hidden: you appear offline/);
  await expectOffline(readerCard(client.page, rowan.name), rowan.name);
  await expect(readerCard(client.page, rowan.name).getByText('Not here')).toHaveCount(0);
  await shot(reader.page, 'reader-hidden');

  // Still signed in and still heartbeating: the device stays live, only others see Offline.
  await reader.page.waitForTimeout(ONE_POLL_MS);
  const [device] = await db.query<{ live: boolean }>(
    // Within the 15 seconds in which the database absorbs a device's further heartbeats.
    "select last_seen_at > now() - interval '20 seconds' as live from private.reader_devices where reader_id = $1",
    [rowan.id],
  );
  expect(device?.live).toBe(true);
  expect(await statusOf(db, rowan.id)).toBe('offline');
});

test('13. a reader on a laptop and a phone: one signs out and they stay Available; the last one leaves and they are Offline', async ({ people, db }) => {
  const client = await people.open();
  const laptop = await people.open({ path: '/sign-in' });
  const phone = await people.open({ path: '/sign-in' });
  await signIn(laptop.page, rowan.email);
  await signIn(phone.page, rowan.email);
  await expectAvailable(readerCard(client.page, rowan.name), rowan.name);
  await expect.poll(async () => (await db.query('select 1 from private.reader_devices where reader_id = $1', [rowan.id])).length).toBe(2);

  await phone.page.getByRole('button', { name: 'Sign out' }).click();
  await expect(phone.page.getByRole('link', { name: 'Sign in' })).toBeVisible();
  await client.page.waitForTimeout(ONE_POLL_MS);
  await expectAvailable(readerCard(client.page, rowan.name), rowan.name);
  await expect(ownStatus(laptop.page)).toHaveAccessibleName(/^Your status: Available/);

  await laptop.page.getByRole('button', { name: 'Sign out' }).click();
  await expectOffline(readerCard(client.page, rowan.name), rowan.name);
  // No flicker: one transition each way, whatever the order the devices came and went in.
  expect(await auditTrail(db, rowan.id)).toEqual([
    { old_status: 'offline', new_status: 'available', cause: 'heartbeat' },
    { old_status: 'available', new_status: 'offline', cause: 'sign_out' },
  ]);
});

test('14. a reader whose session was signed out elsewhere cannot keep appearing online', async ({ people, db }) => {
  const client = await people.open();
  const reader = await people.open({ path: '/sign-in' });
  await signIn(reader.page, rowan.email);
  await expectAvailable(readerCard(client.page, rowan.name), rowan.name);

  // Elsewhere (another device, through the real auth API), Rowan signs out everywhere.
  const elsewhere = createClient(process.env.E2E_API_URL!, process.env.E2E_ANON_KEY!, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: ws as never },
  });
  const { error } = await elsewhere.auth.signInWithPassword({ email: rowan.email, password: DEMO_PASSWORD });
  expect(error).toBeNull();
  await elsewhere.auth.signOut({ scope: 'global' });

  await expect.poll(() => statusOf(db, rowan.id), { timeout: 5_000 }).toBe('offline');
  await expectOffline(readerCard(client.page, rowan.name), rowan.name);
  // The browser's token is still signed correctly, but its session is gone: its heartbeats are refused.
  await expect(ownStatus(reader.page)).toHaveAccessibleName(/^Your status: Not shown online: sign in again/, { timeout: ONE_POLL_MS });
  await client.page.waitForTimeout(ONE_POLL_MS);
  expect(await statusOf(db, rowan.id)).toBe('offline');
});

test('15. no input for ten minutes makes a reader Away; touching the keyboard brings them back at once', async ({ people, db }) => {
  const client = await people.open();
  const reader = await people.open({ path: '/' });
  await reader.page.clock.install();
  await signIn(reader.page, rowan.email);
  const card = readerCard(client.page, rowan.name);
  await expectAvailable(card, rowan.name);

  // Eleven minutes without a key or the mouse, on the reader's clock (the tab stays open).
  await reader.page.clock.fastForward('11:00');
  // The next heartbeat that writes says so (one every 15 seconds at most; the rest are absorbed).
  await expect.poll(() => statusOf(db, rowan.id), { timeout: 25_000 }).toBe('away');
  await expectStatus(card, rowan.name, 'away');
  await expect(ownStatus(reader.page)).toHaveAccessibleName(/^Your status: Away \(no activity\)/, { timeout: ONE_POLL_MS });

  // Input after a pause is reported at once, and written even within the 15 seconds.
  await reader.page.keyboard.press('Shift');
  await expect.poll(() => statusOf(db, rowan.id), { timeout: 3_000 }).toBe('available');
  await expectAvailable(card, rowan.name);
});

test('16. the status controls are usable by keyboard, and axe finds no serious violation in them', async ({ people }) => {
  const reader = await people.open({ path: '/sign-in' });
  await signIn(reader.page, rowan.email);
  await expect(ownStatus(reader.page)).toHaveAccessibleName(/^Your status: Available/);

  await ownStatus(reader.page).focus();
  await reader.page.keyboard.press('Enter');
  const form = reader.page.getByRole('form', { name: 'Change your status' });
  await expect(form).toBeVisible();
  const { violations } = await new AxeBuilder({ page: reader.page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
  expect(serious.map((violation) => `${violation.id}: ${violation.help}`)).toEqual([]);

  await form.getByRole('radio', { name: /^Busy/ }).focus();
  await reader.page.keyboard.press('Space');
  await reader.page.keyboard.press('Escape');
  await expect(form).toHaveCount(0);
});
