import type { Page } from '@playwright/test';
import {
  chooseStatus,
  closeTab,
  expect,
  expectAvailable,
  expectNotReloaded,
  expectOffline,
  expectStatus,
  markPage,
  ONE_POLL_MS,
  ownStatus,
  READERS,
  readerCard,
  signIn,
  signOut,
  test,
  type Database,
  type Status,
} from '../fixtures.ts';

const rowan = READERS.rowan;

/** What the issue asks of a push: from the transition in the database to the client's screen. */
const PUSH_BUDGET_MS = 2_000;

const WORDS: Record<Status, string> = { available: 'Available', busy: 'In a reading', away: 'Away', offline: 'Offline' };

function liveState(page: Page) {
  return page.getByTestId('live-state');
}

/**
 * Every read of cards from now on is held back and never answered: whatever the page shows next
 * can only have come by push. (The first read after the channel joined has been answered already.)
 */
async function holdCardReads(page: Page) {
  await page.route(/\/rest\/v1\/reader_cards/, () => {});
}

/**
 * Resolves with the browser's clock (ms since the epoch) at the first animation frame on which the
 * reader's card shows the status in words; checked every frame, so the time is exact to a frame.
 */
function whenCardShows(page: Page, name: string, status: Status): Promise<number> {
  return page
    .waitForFunction(
      ([readerName, words]) => {
        const card = [...document.querySelectorAll('article')].find((article) => article.querySelector('h2')?.textContent === readerName);
        const shown = card && [...card.querySelectorAll('span')].some((span) => span.textContent === words);
        return shown ? Date.now() : false;
      },
      [name, WORDS[status]] as const,
      { polling: 'raf', timeout: ONE_POLL_MS },
    )
    .then((handle) => handle.jsonValue() as Promise<number>);
}

/** When the database recorded the reader's latest transition to this status (its transaction's clock, before the commit). */
async function recordedAt(db: Database, readerId: string, status: Status): Promise<number> {
  const [row] = await db.query<{ changed_at: Date }>(
    'select changed_at from public.presence_audit_log where user_id = $1 and new_status = $2 order by changed_at desc limit 1',
    [readerId, status],
  );
  if (!row) throw new Error(`no transition of ${readerId} to ${status} was recorded`);
  return row.changed_at.getTime();
}

/** Waits for the card, then measures and prints how long the push took from the recorded transition. */
async function expectPushed(client: Page, db: Database, status: Status, what: string) {
  const shownAt = await whenCardShows(client, rowan.name, status);
  const latency = shownAt - (await recordedAt(db, rowan.id, status));
  console.log(`push: ${what}: the client's card showed ${WORDS[status]} ${latency} ms after the transition was recorded`);
  expect(latency, what).toBeLessThan(PUSH_BUDGET_MS);
  expect(latency, `${what}: shown before it was recorded?`).toBeGreaterThanOrEqual(0);
}

/** The reader's own card on their readers page says what their header says. */
async function expectOwnCardAgrees(page: Page, status: Status, headerName: RegExp) {
  await expect(ownStatus(page)).toHaveAccessibleName(headerName);
  await expectStatus(readerCard(page, rowan.name), rowan.name, status);
}

/** A client's readers page, live, showing Rowan as `status`, with every later read of cards held back. */
async function liveClient(people: { open(): Promise<{ page: Page }> }, status: Status = 'offline') {
  const { page } = await people.open();
  await expect(liveState(page)).toHaveText('Live');
  await expectStatus(readerCard(page, rowan.name), rowan.name, status);
  await markPage(page);
  await holdCardReads(page);
  return page;
}

test('17. a reader signs in and a client sees them Available in under 2 s by push alone, and the reader sees their own card as their header says', async ({
  people,
  db,
  shot,
}) => {
  const client = await liveClient(people);
  const reader = await people.open({ path: '/sign-in' });

  await signIn(reader.page, rowan.email);
  await expectPushed(client, db, 'available', 'sign-in');
  await expectAvailable(readerCard(client, rowan.name), rowan.name);
  await expectNotReloaded(client);
  await shot(client, 'pushed-available');

  await reader.page.goto('/readers');
  await expectOwnCardAgrees(reader.page, 'available', /^Your status: Available/);
});

test("18. Busy and Away reach the client in under 2 s each, and the reader's own card and header agree at every step", async ({ people, db }) => {
  const reader = await people.open({ path: '/sign-in' });
  await signIn(reader.page, rowan.email);
  await reader.page.goto('/readers');
  await expectOwnCardAgrees(reader.page, 'available', /^Your status: Available/);
  const client = await liveClient(people, 'available');

  await chooseStatus(reader.page, 'Busy', { message: 'Back at nine' });
  await expectOwnCardAgrees(reader.page, 'busy', /^Your status: In a reading/);
  await expectPushed(client, db, 'busy', 'Busy chosen');
  await expect(readerCard(client, rowan.name).getByText('“Back at nine”')).toBeVisible();

  await chooseStatus(reader.page, 'Away', { message: '' });
  await expectOwnCardAgrees(reader.page, 'away', /^Your status: Away/);
  await expectPushed(client, db, 'away', 'Away chosen');

  await chooseStatus(reader.page, 'Available');
  await expectOwnCardAgrees(reader.page, 'available', /^Your status: Available/);
  await expectPushed(client, db, 'available', 'Available again');
  await expectNotReloaded(client);
});

test('19. signing out, and closing the last tab, turn the reader Offline on the client in under 2 s', async ({ people, db }) => {
  const reader = await people.open({ path: '/sign-in' });
  await signIn(reader.page, rowan.email);
  const client = await liveClient(people, 'available');

  await signOut(reader.page);
  await expectPushed(client, db, 'offline', 'sign-out');

  await signIn(reader.page, rowan.email);
  await expectPushed(client, db, 'available', 'signed in again');
  await closeTab(reader.page);
  await expectPushed(client, db, 'offline', 'last tab closed');
  await expectOffline(readerCard(client, rowan.name), rowan.name);
  await expectNotReloaded(client);
});

test('20. Realtime goes down: the page says it is not live and keeps polling; when Realtime is back it is live again by itself', async ({
  people,
  db,
  api,
  shot,
}) => {
  const { page: client } = await people.open();
  await expect(liveState(client)).toHaveText('Live');
  await markPage(client);

  await api.stopRealtime();
  await expect(liveState(client)).toHaveText(/^Updating every \d+ (s|min)$/, { timeout: ONE_POLL_MS });
  await shot(client, 'not-live');

  // Still up to date, by polling.
  const reader = await people.open({ path: '/sign-in' });
  await signIn(reader.page, rowan.email);
  await expectAvailable(readerCard(client, rowan.name), rowan.name);

  await api.startRealtime();
  // supabase-js reconnects by itself, backing off up to 10 s between attempts.
  await expect(liveState(client)).toHaveText('Live', { timeout: 30_000 });
  await holdCardReads(client);
  await chooseStatus(reader.page, 'Busy');
  await expectPushed(client, db, 'busy', 'Busy after Realtime came back');
  await expectNotReloaded(client);
});
