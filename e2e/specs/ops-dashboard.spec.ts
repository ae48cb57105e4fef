import type { Locator, Page } from '@playwright/test';
import { giveDevice, recordAsIs, resetPresence } from '../../tests/support/presence-fixtures.ts';
import {
  ADMIN,
  expect,
  expectNoSeriousAxeViolations,
  expectNotReloaded,
  markPage,
  ownStatus,
  READERS,
  signIn,
  test,
  type Database,
  type People,
} from '../fixtures.ts';
import { E2E_INTERVALS } from '../harness/e2e-environment.ts';

const luna = READERS.luna;

// The dashboard rereads now, jobs and alerts as often as the app is configured to (2 s here): a
// change shows within two rereads, and a slow machine's while.
const ALERTS_POLL_MS = E2E_INTERVALS.opsRefreshMs * 2 + 10_000;

const presenceQuery = (db: Database) => (text: string, values?: unknown[]) => db.query(text, values);

/** A time as the dashboard words it for a viewer in UTC: "14:20". */
const utcClock = (at: Date) => new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);

/** A reader's local date as the statistics word it: "Wed 25 Nov". */
const dayWords = (day: string) =>
  new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short' }).format(Date.parse(`${day}T00:00:00Z`));

/** A table's rows, header row first, each as its cells' text. */
const tableRows = (table: Locator) => table.locator('tr').evaluateAll((rows) => rows.map((row) => [...row.children].map((cell) => cell.textContent ?? '')));

/** A chart card by its title, switched to its table view. */
async function chartTable(page: Page, title: string): Promise<Locator> {
  const card = page.getByRole('region', { name: title, exact: true });
  await card.getByRole('button', { name: 'Show table' }).click();
  return card.getByRole('table');
}

/** One of the "Now" figures: the value under its label. */
const nowFigure = (page: Page, label: string) =>
  page
    .getByRole('region', { name: 'Now' })
    .locator('dt', { hasText: new RegExp(`^${label}$`) })
    .locator('xpath=following-sibling::dd[1]');

async function openDashboardAsAdmin(people: People) {
  const admin = await people.open({ path: '/sign-in', timezoneId: 'UTC' });
  await signIn(admin.page, ADMIN.email);
  await admin.page.getByRole('link', { name: 'Ops' }).click();
  await expect(admin.page.getByRole('heading', { level: 1, name: 'Presence dashboard' })).toBeVisible();
  return admin.page;
}

/** What a scenario changed outside the seed, undone afterwards even when it fails. */
const cleanups: Array<() => Promise<unknown>> = [];
test.afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

test('26. readers going online show on the presence dashboard: the figures now, the readers-online chart and its table; axe finds no serious violation', async ({
  people,
  db,
  shot,
}) => {
  // Nobody online, and a known history: five 10-minute buckets, 6 to 2 hours ago, each with one
  // recorded minute, readers online rising from 3 to 19, and status changes by the readers' choice.
  // The last 20 minutes are forgotten too, so that what is recorded next is all their buckets hold.
  await resetPresence(presenceQuery(db));
  const [{ base } = { base: new Date() }] = await db.query<{ base: Date }>("select date_bin('10 minutes', now(), timestamptz '2000-01-01') as base");
  const buckets = [6, 5, 4, 3, 2].map((hours) => new Date(base.getTime() - hours * 3_600_000));
  const history = buckets.map((minute, k) => ({ minute, online: 3 + 4 * k, transitions: k + 1 }));
  const forget = async () => {
    for (const table of ['presence_minutes', 'presence_minute_transitions']) {
      await db.query(
        `delete from private.${table} t using unnest($1::timestamptz[]) as b(at) where t.minute >= b.at and t.minute < b.at + interval '10 minutes'`,
        [buckets],
      );
    }
  };
  await forget();
  cleanups.push(forget);
  await db.query("delete from private.presence_minutes where minute >= $1::timestamptz - interval '10 minutes'", [base]);
  await db.query(
    `insert into private.presence_minutes (minute, readers, available, busy, away, online_stale, heartbeats_written)
     select at, 20, 2 * n, n, n - 1, 0, 100 * n from unnest($1::timestamptz[]) with ordinality as b(at, n)`,
    [buckets],
  );
  await db.query(
    `insert into private.presence_minute_transitions (minute, cause, transitions)
     select at, 'reader_choice', n from unnest($1::timestamptz[]) with ordinality as b(at, n)`,
    [buckets],
  );

  // Luna signs in: her browser's heartbeat makes her Available.
  const reader = await people.open({ path: '/sign-in' });
  await signIn(reader.page, luna.email);
  await expect(ownStatus(reader.page)).toHaveAccessibleName(/^Your status: Available/);

  // The every-minute job records the minute that just ended; its bucket starts at `bucket`.
  const [recorded] = await db.query<{ bucket: Date }>(
    `select private.run_maintenance_job('record-presence-minute'),
            date_bin('10 minutes', date_trunc('minute', now()) - interval '1 minute', timestamptz '2000-01-01') as bucket`,
  );
  const [minute] = await db.query<{ online: number; available: number }>(
    `select max(available + busy + away) as online, max(available) as available from private.presence_minutes
     where minute >= $1 and minute < $1::timestamptz + interval '10 minutes'`,
    [recorded!.bucket],
  );
  expect(minute).toEqual({ online: 1, available: 1 });

  const page = await openDashboardAsAdmin(people);

  // Now: Luna is the one reader available.
  await expect(nowFigure(page, 'Available')).toHaveText('1');
  await expect(nowFigure(page, 'Busy \\(in a reading\\)')).toHaveText('0');
  await expect(nowFigure(page, 'Away')).toHaveText('0');

  // The chart's summary and its table: the history's buckets with their figures, and the minute just recorded.
  const peak = [...history].sort((a, b) => b.online - a.online)[0]!;
  const online = page.getByRole('region', { name: 'Readers online', exact: true });
  await expect(
    online.getByText(new RegExp(`Readers online averaged [\\d.,]+ over the last 24 hours, peaking at 19 at ${utcClock(peak.minute)}\\.`)),
  ).toBeVisible();
  await expect(online.getByRole('img', { name: 'Readers online, the last 24 hours, per 10 minutes' })).toBeVisible();
  await shot(page, 'ops-dashboard');
  const onlineRows = await tableRows(await chartTable(page, 'Readers online'));
  expect(onlineRows[0]).toEqual(['Time', 'Online (average)', 'Online (peak)']);
  for (const point of history) expect(onlineRows).toContainEqual([utcClock(point.minute), String(point.online), String(point.online)]);
  // Luna's minute: at most one reader online in that bucket, and at its peak, one.
  expect(onlineRows.find(([time]) => time === utcClock(recorded!.bucket))?.[2]).toBe('1');

  const changeRows = await tableRows(await chartTable(page, 'Status changes by cause'));
  const choiceColumn = changeRows[0]!.indexOf("Reader's choice");
  expect(choiceColumn).toBeGreaterThan(0);
  for (const point of history) expect(changeRows.find(([time]) => time === utcClock(point.minute))?.[choiceColumn]).toBe(String(point.transitions));

  await shot(page, 'ops-dashboard-tables');
  await expectNoSeriousAxeViolations(page);
});

test('27. an alert fires on the dashboard when presence stops, and clears by itself when heartbeats resume, without a reload', async ({ people, db, shot }) => {
  test.setTimeout(180_000);
  const [{ last } = { last: 0 }] = await db.query<{ last: number }>('select coalesce(max(id), 0)::integer as last from private.presence_alerts');
  // The alerts this scenario fires go with it.
  cleanups.push(() => db.query('delete from private.presence_alerts where id > $1', [last]));
  const evaluateAlerts = () => db.query("select private.run_maintenance_job('evaluate-presence-alerts')");
  const presenceDown = () =>
    db.query<{ fired_at: Date; detail: string }>("select fired_at, detail from private.presence_alerts where rule = 'presence_down' and cleared_at is null");

  // Luna is online and her browser reports: no presence alert holds.
  const first = await people.open({ path: '/sign-in' });
  await signIn(first.page, luna.email);
  await expect(ownStatus(first.page)).toHaveAccessibleName(/^Your status: Available/);
  await expect
    .poll(async () => (await db.query<{ heartbeats: number }>('select heartbeats::integer from private.presence_counts_since(3)'))[0]!.heartbeats)
    .toBeGreaterThan(0);
  await evaluateAlerts();
  expect(await presenceDown()).toEqual([]);

  const page = await openDashboardAsAdmin(people);
  await markPage(page);
  await expect(page.getByText('No alert is active.')).toBeVisible();

  // Her browser goes away without a word, so she stays recorded online, and for three minutes no
  // heartbeat is counted: the counters of the last minutes are cleared rather than waited for.
  await first.context.close();
  await giveDevice(presenceQuery(db), luna.id, { heardAgo: '10 seconds' });
  await recordAsIs(presenceQuery(db), [luna.id]);
  // (A heartbeat still on its way when the browser closed is cleared on the next try.)
  await expect
    .poll(async () => {
      await db.query(
        `delete from private.presence_tally where metric like 'heartbeat%';
         update private.presence_minutes set heartbeats_written = 0, heartbeats_absorbed = 0
         where minute >= date_trunc('minute', now()) - interval '4 minutes'`,
      );
      await evaluateAlerts();
      return (await presenceDown()).length;
    })
    .toBe(1);
  const [fired] = await presenceDown();
  expect(fired?.detail).toMatch(/^\d+ readers recorded online, no heartbeat for 3 minutes$/);

  // The banner comes with the next poll: the rule in words, the figures and since when.
  const banner = page.getByRole('alert');
  await expect(banner).toContainText('Presence down: Readers are recorded online, and no heartbeat arrived for this many minutes.', {
    timeout: ALERTS_POLL_MS,
  });
  await expect(banner).toContainText(`${fired!.detail}.`);
  await expect(banner).toContainText(`Since ${utcClock(fired!.fired_at)}`);
  await shot(page, 'presence-down');
  await expectNoSeriousAxeViolations(page);

  // She is back: her browser's heartbeat is counted, the rule no longer holds, and the banner leaves by itself.
  const again = await people.open({ path: '/sign-in' });
  await signIn(again.page, luna.email);
  await expect
    .poll(async () => (await db.query<{ heartbeats: number }>('select heartbeats::integer from private.presence_counts_since(3)'))[0]!.heartbeats)
    .toBeGreaterThan(0);
  await evaluateAlerts();
  expect(await presenceDown()).toEqual([]);
  await expect(page.getByText('No alert is active.')).toBeVisible({ timeout: ALERTS_POLL_MS });
  await expect(banner).toHaveCount(0);
  await expectNotReloaded(page);
  await shot(page, 'presence-down-cleared');
});

test('28. a reader reads their own presence statistics on their profile: figures, a chart of minutes per day and its table; axe finds no serious violation', async ({
  people,
  db,
  shot,
}) => {
  // Two past days of Luna's (UTC: she set no hours), from her audit log as the presence functions
  // would have written it, rolled up as the daily job does.
  const [dates] = await db.query<{ first: string; second: string }>(
    "select ((now() at time zone 'UTC')::date - 3)::text as first, ((now() at time zone 'UTC')::date - 2)::text as second",
  );
  const { first, second } = dates!;
  const changes = [
    [`${first} 09:00`, 'offline', 'available'],
    [`${first} 10:30`, 'available', 'offline'],
    [`${first} 14:00`, 'offline', 'available'],
    [`${first} 14:45`, 'available', 'offline'],
    [`${second} 20:10`, 'offline', 'available'],
    [`${second} 21:00`, 'available', 'offline'],
  ];
  cleanups.push(() => db.query('delete from public.presence_audit_log where user_id = $1 and changed_at < $2::date + 1', [luna.id, second]));
  cleanups.push(() => db.query('delete from private.presence_analytics where day = any ($1::date[])', [[first, second]]));
  // One transaction: the rows, and the counter their insert added to this minute's status changes
  // taken back (they are history, not changes made now).
  await db.query(`
    insert into public.presence_audit_log (user_id, old_status, new_status, changed_at, cause)
    select '${luna.id}', old_status::public.presence_status, new_status::public.presence_status, (changed_at || ' UTC')::timestamptz, 'reader_choice'
    from (values ${changes.map(([at, from, to]) => `('${at}', '${from}', '${to}')`).join(', ')}) as c(changed_at, old_status, new_status);
    update private.presence_tally set count = count - ${changes.length}
    where minute = date_trunc('minute', now()) and metric = 'transition:reader_choice' and shard = pg_backend_pid() % 16;
    delete from private.presence_tally where count = 0;
  `);
  for (const day of [first, second]) await db.query('select private.rollup_presence_analytics($1::date)', [day]);
  expect(
    await db.query(
      'select day::text, online_minutes::float8 as minutes, sessions, longest_session_minutes::float8 as longest, peak_hour from private.presence_analytics where reader_id = $1 order by day',
      [luna.id],
    ),
  ).toEqual([
    { day: first, minutes: 135, sessions: 2, longest: 90, peak_hour: 9 },
    { day: second, minutes: 50, sessions: 1, longest: 50, peak_hour: 20 },
  ]);

  const { page } = await people.open({ path: '/sign-in' });
  await signIn(page, luna.email);
  await page.getByRole('link', { name: `${luna.name} (your profile)` }).click();

  const panel = page.getByRole('region', { name: 'Your presence' });
  const figure = (label: string) => panel.locator('div', { has: page.locator('dt', { hasText: new RegExp(`^${label}$`) }) });
  await expect(figure('Time online')).toContainText('3 h 5 min');
  await expect(figure('Time online')).toContainText('185 minutes on 2 days');
  await expect(figure('Sessions')).toContainText('3');
  await expect(figure('Longest session')).toContainText(`1 h 30 min`);
  await expect(figure('Longest session')).toContainText(`on ${dayWords(first)}`);
  await expect(figure('Most common peak hour')).toContainText('09:00–10:00');

  const chart = panel.getByRole('region', { name: 'Online per day' });
  await expect(chart).toContainText(`Online on 2 of the last 30 days, 3 h 5 min in all; the most on ${dayWords(first)}, with 2 h 15 min.`);
  // A bar for each day online, among the 30.
  await expect(chart.getByRole('img', { name: 'Minutes online per day, the last 30 days' }).locator('rect')).toHaveCount(2);
  await shot(page, 'own-presence-stats');
  await expectNoSeriousAxeViolations(page);

  await chart.getByRole('button', { name: 'Show table' }).click();
  expect(await tableRows(chart.getByRole('table', { name: 'Minutes online per day, the last 30 days' }))).toEqual([
    ['Day', 'Online (minutes)', 'Sessions', 'Longest session (minutes)', 'Peak hour'],
    [dayWords(first), '135', '2', '90', '09:00'],
    [dayWords(second), '50', '1', '50', '20:00'],
  ]);
  await shot(page, 'own-presence-stats-table');
  await expectNoSeriousAxeViolations(page);

  // An admin finds her by name on the dashboard and reads the same.
  const admin = await openDashboardAsAdmin(people);
  await admin.getByRole('searchbox', { name: 'Find a reader by name' }).fill('luna');
  await expect(admin.getByText('1 reader found.')).toBeVisible();
  await admin.getByRole('combobox', { name: 'Reader' }).selectOption({ label: luna.name });
  const theirs = admin.getByRole('region', { name: `Presence of ${luna.name}` });
  await expect(theirs.getByRole('region', { name: 'Online per day' })).toContainText(
    `Online on 2 of the last 30 days, 3 h 5 min in all; the most on ${dayWords(first)}, with 2 h 15 min.`,
  );
  await expect(theirs.locator('div', { has: admin.locator('dt', { hasText: /^Most common peak hour$/ }) }).last()).toContainText('09:00–10:00');
  await theirs.scrollIntoViewIfNeeded();
  await shot(admin, 'admin-reads-reader-stats');
  await expectNoSeriousAxeViolations(admin);
});
