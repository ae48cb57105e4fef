import type { Page } from '@playwright/test';
import { expect, expectNoSeriousAxeViolations, expectStatus, READERS, readerCard, signIn, statusOf, test, type Database, type People } from '../fixtures.ts';

// Two or three browsers each, signing in, and a real call set up between two of them.
test.describe.configure({ timeout: 120_000 });

const luna = READERS.luna;
const CLIENT = { email: 'client@demo.test', name: 'Casey Client' } as const;

/** "A third browser sees the reader Busy within 2 seconds"; the second more is the click's own round trip on a busy machine. */
const PUSHED_WITHIN_MS = 2_000;

interface StoredReading {
  id: string;
  state: string;
  duration_seconds: number | null;
  amount: string | null;
  price_per_minute: string;
  ended_by: string | null;
  end_reason: string | null;
}

async function readingsOf(db: Database, readerId: string): Promise<StoredReading[]> {
  return db.query<StoredReading>(
    `select id, state::text, duration_seconds, amount::text, price_per_minute::text, ended_by, end_reason::text
     from public.readings where reader_id = $1 order by requested_at`,
    [readerId],
  );
}

/**
 * The client signed in on the readers page, and Luna signed in wherever `openReader` puts her, each
 * with the count of signalling messages their page sends (counted from before the first socket opens).
 */
async function clientAndLuna(people: People, openReader: () => Promise<{ page: Page }>) {
  const reader = await openReader();
  const readerSignals = countSignalsSent(reader.page);
  await signIn(reader.page, luna.email);
  const client = await people.open({ path: '/sign-in' });
  const clientSignals = countSignalsSent(client.page);
  await signIn(client.page, CLIENT.email);
  await client.page.goto('/readers');
  await expectStatus(readerCard(client.page, luna.name), luna.name, 'available');
  return { reader: reader.page, client: client.page, signals: () => ({ client: clientSignals(), reader: readerSignals() }) };
}

/** The client presses Video on Luna's card; her tab rings. */
async function requestLuna(client: Page, reader: Page) {
  await readerCard(client, luna.name)
    .getByRole('button', { name: `Video reading with ${luna.name}` })
    .click();
  await expect(client.getByTestId('outgoing-reading')).toContainText(`Calling ${luna.name}`);
  const ring = reader.getByRole('alertdialog', { name: `${CLIENT.name} asks for a video reading` });
  await expect(ring).toBeVisible();
  return ring;
}

/**
 * Signalling messages this page sends on reading channels (a Realtime broadcast of hello, offer,
 * answer, ice or bye, in a JSON or a binary frame), counted from its WebSocket frames.
 */
// A binary frame has the topic and the event name back to back; a JSON one names the event.
const SIGNAL_FRAME = /realtime:reading:[0-9a-f-]{36}(hello|offer|answer|ice|bye)|realtime:reading:.*"event":"(hello|offer|answer|ice|bye)"/;

function countSignalsSent(page: Page): () => number {
  let sent = 0;
  page.on('websocket', (socket) =>
    socket.on('framesent', ({ payload }) => {
      const frame = typeof payload === 'string' ? payload : payload.toString('latin1');
      if (SIGNAL_FRAME.test(frame)) sent += 1;
    }),
  );
  return () => sent;
}

/** The video on this page shows the other side's camera: frames arrive and are decoded. */
async function expectRemoteVideoPlaying(page: Page) {
  const framesDecoded = () =>
    page.getByTestId('remote-video').evaluate((video: HTMLVideoElement) => (video.videoWidth > 0 ? video.getVideoPlaybackQuality().totalVideoFrames : 0));
  await expect.poll(framesDecoded, { timeout: 20_000 }).toBeGreaterThan(0);
  const before = await framesDecoded();
  await expect.poll(framesDecoded, { timeout: 10_000 }).toBeGreaterThan(before + 5);
}

test('29. a client asks Luna for a video reading, she accepts, both see each other; a visitor sees her in a reading within 2 s; hang-up makes her available, and the reading is in both histories', async ({
  people,
  db,
  shot,
}) => {
  const { reader, client, signals } = await clientAndLuna(people, () => people.open({ path: '/sign-in' }));
  const visitor = (await people.open()).page;
  await expectStatus(readerCard(visitor, luna.name), luna.name, 'available');

  const ring = await requestLuna(client, reader);
  await expect(ring).toContainText('per minute');
  await shot(reader, 'ringing');
  await ring.getByRole('button', { name: 'Accept' }).click();
  // The visitor's card turns to "In a reading" by push, and Video is disabled with the reason.
  await expect(readerCard(visitor, luna.name).getByText('In a reading', { exact: true })).toBeVisible({ timeout: PUSHED_WITHIN_MS + 1_000 });
  await expectStatus(readerCard(visitor, luna.name), luna.name, 'busy');

  // Both are in the room; each sees and hears the other.
  await expect(reader).toHaveURL(/\/readings\/[0-9a-f-]{36}$/);
  await expect(client).toHaveURL(reader.url());
  expect(await statusOf(db, luna.id)).toBe('busy');

  await expectRemoteVideoPlaying(client);
  await expectRemoteVideoPlaying(reader);
  // A call is set up with a handful of messages each way (hello, offer or answer, a few candidates).
  const sent = signals();
  console.log(`signalling messages sent to set up the call: ${JSON.stringify(sent)}`);
  expect(sent.client).toBeGreaterThanOrEqual(2);
  expect(sent.reader).toBeGreaterThanOrEqual(2);
  expect(sent.client + sent.reader).toBeLessThan(60);
  await expect(client.getByTestId('reading-timer')).not.toHaveText('0:00');
  await expect(client.getByText(/so far at \$\d+\.\d\d\/min/)).toBeVisible();
  // The cost so far is the database's: the first started minute at the agreed price, on both sides.
  const [live] = await readingsOf(db, luna.id);
  for (const page of [client, reader]) await expect(page.getByTestId('reading-cost')).toHaveText(`$${live!.price_per_minute}`);
  // Mute and camera off are toggles the other side's stream follows.
  const mute = client.getByRole('button', { name: 'Mute' });
  await mute.click();
  await expect(mute).toHaveAttribute('aria-pressed', 'true');
  await shot(client, 'in-reading');
  await expectNoSeriousAxeViolations(client);

  await client.getByRole('button', { name: 'Hang up' }).click();
  await expect(client.getByTestId('reading-record')).toContainText('The reading has ended. You hung up.');
  await expect(reader.getByTestId('reading-record')).toContainText(`The reading has ended. ${CLIENT.name} hung up.`);
  await expectStatus(readerCard(visitor, luna.name), luna.name, 'available');

  const [stored] = await readingsOf(db, luna.id);
  expect(stored).toMatchObject({ state: 'ended', end_reason: 'hung_up' });
  expect(stored!.duration_seconds).toBeGreaterThan(0);
  expect(stored!.duration_seconds).toBeLessThanOrEqual(60);
  // One started minute at the agreed price.
  expect(stored!.amount).toBe(stored!.price_per_minute);
  const duration = `0:${String(stored!.duration_seconds).padStart(2, '0')}`;
  await expect(client.getByTestId('reading-duration')).toHaveText(duration);

  for (const [page, counterpart] of [
    [client, `${luna.name} (your reader)`],
    [reader, `${CLIENT.name} (your client)`],
  ] as const) {
    await page.goto('/profile');
    const row = page.getByTestId('reading-history-row');
    await expect(row).toHaveCount(1);
    await expect(row).toContainText(counterpart);
    await expect(row).toContainText(duration);
    await expect(row).toContainText(`$${stored!.amount}`);
  }
  await shot(client, 'history');
});

test('30. a declined request and an unanswered one each tell the client what happened, and Luna stays available', async ({ people, db }) => {
  const { reader, client } = await clientAndLuna(people, () => people.open({ path: '/sign-in' }));

  const ring = await requestLuna(client, reader);
  await ring.getByRole('button', { name: 'Decline' }).click();
  await expect(ring).toHaveCount(0);
  await expect(client.getByTestId('outgoing-reading')).toContainText(`${luna.name} declined your request.`);
  await client.getByTestId('outgoing-reading').getByRole('button', { name: 'Close' }).click();

  const secondRing = await requestLuna(client, reader);
  // A minute passes unanswered, in the database rather than on the clock.
  await db.query("update public.readings set requested_at = requested_at - interval '61 seconds' where reader_id = $1 and state = 'ringing'", [luna.id]);
  await expect(client.getByTestId('outgoing-reading')).toContainText(`${luna.name} did not answer within a minute.`);
  await expect(secondRing).toHaveCount(0);

  expect((await readingsOf(db, luna.id)).map((reading) => reading.state).sort()).toEqual(['declined', 'expired']);
  expect(await statusOf(db, luna.id)).toBe('available');
  await expectStatus(readerCard(client, luna.name), luna.name, 'available');
});

test('31. Luna\'s browser dies mid-reading: the client sees "Reconnecting…", and the reading ends by the two-minute bound', async ({ people, db }) => {
  let crash = () => {};
  const { reader, client } = await clientAndLuna(people, async () => {
    const own = await people.openInOwnBrowser({ path: '/sign-in' });
    crash = () => own.crash();
    return own;
  });
  const ring = await requestLuna(client, reader);
  await ring.getByRole('button', { name: 'Accept' }).click();
  await expectRemoteVideoPlaying(client);

  // Killed with no last word: no hang-up, no unload handler.
  crash();
  await expect(client.getByText(/^Reconnecting…/)).toBeVisible({ timeout: 20_000 });

  // Two minutes without her heartbeat pass, in the database (the client's browser keeps sending its
  // own); the minute job finds the reading abandoned.
  await db.query(
    `update public.readings
     set requested_at = requested_at - interval '2 minutes', answered_at = answered_at - interval '2 minutes',
         started_at = started_at - interval '2 minutes', reader_heard_at = reader_heard_at - interval '2 minutes'
     where reader_id = $1 and state = 'live'`,
    [luna.id],
  );
  await db.query('select private.end_overdue_readings()');
  await expect(client.getByTestId('reading-record')).toContainText('One side stopped responding for two minutes, so the reading ended by itself.');
  const [stored] = await readingsOf(db, luna.id);
  expect(stored).toMatchObject({ state: 'ended', end_reason: 'abandoned', ended_by: null });
  expect(await statusOf(db, luna.id)).not.toBe('busy');
});
