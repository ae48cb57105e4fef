import fs from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { test as base, expect, type Browser, type BrowserContext, type BrowserServer, type Locator, type Page } from '@playwright/test';
import pg from 'pg';
import { giveDevice, recordAsIs, resetPresence, setChoice } from '../tests/support/presence-fixtures.ts';
import { DEMO_IDS, DEMO_PASSWORD } from '../tests/support/test-stack.ts';
import { E2E_INTERVALS, E2E_OUTPUT_DIR, type E2eSettings } from './harness/e2e-environment.ts';

function setting(name: keyof E2eSettings): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the suite with \`npm run test:e2e\`, which starts the environment.`);
  return value;
}

export const READERS = {
  luna: { id: DEMO_IDS.luna, name: 'Luna Starweaver', email: 'luna@demo.test' },
  orion: { id: DEMO_IDS.orion, name: 'Orion Vale', email: 'orion@demo.test' },
  selene: { id: DEMO_IDS.selene, name: 'Selene Ashgrove', email: 'selene@demo.test' },
  rowan: { id: DEMO_IDS.rowan, name: 'Rowan Thorne', email: 'rowan@demo.test' },
} as const;

/** The seed's admin, who reviews reader applications. */
export const ADMIN = { id: DEMO_IDS.admin, name: 'Ada Admin', email: 'admin@demo.test' } as const;

/** The seed's applicant, whose application to give readings is pending. */
export const APPLICANT = { id: DEMO_IDS.morgan, name: 'Morgan Applicant', email: 'morgan@demo.test' } as const;

/** Long enough for one heartbeat or one poll of the readers list to happen, with room for a slow machine. */
export const ONE_POLL_MS = Math.max(E2E_INTERVALS.presenceUpdateMs, E2E_INTERVALS.readersRefreshMs) * 2 + 3_000;

/** supabase-js retries a failed read three times (1 s, 2 s, 4 s) before the app hears of it. */
export const FAILED_READ_MS = 7_000 + ONE_POLL_MS;

export interface Database {
  query<Row extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<Row[]>;
}

export interface ApiControl {
  /** The API goes away: connections refused and dropped, as in an outage. */
  cut(): Promise<void>;
  restore(): Promise<void>;
  /** The Realtime service alone stops (its sockets dropped, upgrades answered 502), and starts again. */
  stopRealtime(): Promise<void>;
  startRealtime(): Promise<void>;
}

async function control(action: 'api/cut' | 'api/restore' | 'realtime/stop' | 'realtime/start') {
  const response = await fetch(`${setting('E2E_CONTROL_URL')}/${action}`, { method: 'POST' });
  if (!response.ok) throw new Error(`could not ${action}: ${response.status} ${await response.text()}`);
}

const SEED_READER_IDS = Object.values(READERS).map((reader) => reader.id);

/**
 * The seed's accounts as an admin found them: Ada the only admin, the four demo readers approved,
 * Morgan's application pending and nobody else's. Whoever else an earlier scenario approved stops
 * being a reader (their application goes, and users.is_reader follows).
 */
async function restoreSeedAccounts(db: Database) {
  await db.query(
    `update auth.users
     set raw_app_meta_data = case when id = $1 then raw_app_meta_data || '{"role": "admin"}' else raw_app_meta_data - 'role' end
     where raw_app_meta_data -> 'role' is distinct from case when id = $1 then '"admin"'::jsonb end`,
    [ADMIN.id],
  );
  const seedApplicants = [...SEED_READER_IDS, APPLICANT.id];
  await db.query('delete from public.reader_applications where applicant_id <> all ($1::uuid[])', [seedApplicants]);
  // The sync trigger makes users.is_reader follow; rows already as the seed has them are left alone.
  await db.query(
    `insert into public.reader_applications as a (applicant_id, status, submitted_at, decided_at, decided_by)
     select id, case when id = $2 then 'pending' else 'approved' end::public.reader_application_status, now(),
            case when id = $2 then null else now() end, case when id = $2 then null else $3::uuid end
     from unnest($1::uuid[]) as id
     on conflict (applicant_id) do update
     set status = excluded.status, submitted_at = excluded.submitted_at, decided_at = excluded.decided_at,
         decided_by = excluded.decided_by, reason = null
     where a.status is distinct from excluded.status or a.reason is not null`,
    [seedApplicants, APPLICANT.id, ADMIN.id],
  );
}

/** The seed's accounts, readers and presence story, restored before every scenario so none depends on another. */
async function restoreSeed(db: Database) {
  // Accounts made by earlier scenarios (sign-ups) go, and their applications with them; the seed's
  // demo accounts stay, without the favourites, notifications and hours earlier scenarios gave them.
  await db.query("delete from auth.users where email not like '%@demo.test'");
  await db.query(
    'delete from public.readings; delete from public.favourites; delete from public.availability_notifications; delete from public.reader_schedules',
  );
  await restoreSeedAccounts(db);
  const query = (text: string, values?: unknown[]) => db.query(text, values);
  await resetPresence(query);
  // Luna available; Selene in a reading; Orion's browser went silent 20 minutes ago; Rowan left two hours ago.
  await giveDevice(query, READERS.luna.id, { heardAgo: '10 seconds' });
  await giveDevice(query, READERS.selene.id, { heardAgo: '1 minute' });
  await setChoice(query, READERS.selene.id, 'busy', { message: 'In a moon-cycle reading', expiresIn: '1 hour' });
  await giveDevice(query, READERS.orion.id, { heardAgo: '20 minutes' });
  await db.query("insert into private.reader_presence (reader_id, last_seen_at) values ($1, now() - interval '2 hours')", [READERS.rowan.id]);
  await recordAsIs(query);
}

/**
 * The previous scenario's browsers may still be reporting while the next one resets presence, and
 * the stack's minute job may run meanwhile: PostgreSQL then aborts one side of a deadlock (40P01),
 * which the next attempt gets past.
 */
async function withDeadlockRetry(task: () => Promise<void>, attempts = 3): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await task();
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== '40P01' || attempt === attempts) throw error;
    }
  }
}

export interface OpenOptions {
  path?: string;
  /** The person's time zone (the browser's), e.g. 'America/New_York'; the machine's by default. */
  timezoneId?: string;
  /** Browser permissions granted to the app's origin, e.g. ['notifications']. */
  permissions?: string[];
}

export interface People {
  /** Another person at another computer: a browser context of their own, on the readers page unless told otherwise. */
  open(options?: OpenOptions): Promise<{ context: BrowserContext; page: Page }>;
  /** The same, in a browser process of their own that `crash()` kills outright: no unload handler runs. */
  openInOwnBrowser(options?: { path?: string }): Promise<{ page: Page; crash(): void }>;
}

export const test = base.extend<{ api: ApiControl; people: People; shot: (page: Page, name: string) => Promise<void>; seededPresence: void }, { db: Database }>(
  {
    db: [
      async ({}, use) => {
        const pool = new pg.Pool({ connectionString: setting('E2E_DB_URL'), max: 2 });
        pool.on('error', () => {});
        await use({ query: async <Row extends pg.QueryResultRow>(text: string, values?: unknown[]) => (await pool.query<Row>(text, values)).rows });
        await pool.end();
      },
      { scope: 'worker' },
    ],
    seededPresence: [
      async ({ db }, use) => {
        await withDeadlockRetry(() => restoreSeed(db));
        await use();
      },
      { auto: true },
    ],
    api: async ({}, use) => {
      await use({
        cut: () => control('api/cut'),
        restore: () => control('api/restore'),
        stopRealtime: () => control('realtime/stop'),
        startRealtime: () => control('realtime/start'),
      });
      // A failed scenario must not leave the API or Realtime down for the next one.
      await control('api/restore');
      await control('realtime/start');
    },
    people: async ({ browser, launchOptions }, use) => {
      const contexts: BrowserContext[] = [];
      const ownBrowsers: BrowserServer[] = [];
      const pageErrors: string[] = [];
      const openIn = async (target: Browser, start: string, { timezoneId, permissions }: Omit<OpenOptions, 'path'> = {}) => {
        const context = await target.newContext({ baseURL: setting('E2E_APP_URL'), timezoneId, permissions });
        contexts.push(context);
        context.on('page', (page) => page.on('pageerror', (error) => pageErrors.push(error.message)));
        const page = await context.newPage();
        await page.goto(start);
        return { context, page };
      };
      await use({
        open: ({ path: start = '/readers', ...options } = {}) => openIn(browser, start, options),
        openInOwnBrowser: async ({ path: start = '/readers' } = {}) => {
          const server = await browser.browserType().launchServer(launchOptions);
          ownBrowsers.push(server);
          const { page } = await openIn(await browser.browserType().connect(server.wsEndpoint()), start);
          return { page, crash: () => server.process().kill('SIGKILL') };
        },
      });
      for (const context of contexts) await context.close().catch(() => {});
      for (const server of ownBrowsers) await server.kill().catch(() => {});
      // No scenario, however rough, may crash the app or leave an unhandled rejection.
      expect(pageErrors).toEqual([]);
    },
    shot: async ({}, use, testInfo) => {
      const dir = path.join(E2E_OUTPUT_DIR, 'screenshots');
      fs.mkdirSync(dir, { recursive: true });
      const slug = testInfo.title
        .replace(/[^a-z0-9]+/gi, '-')
        .toLowerCase()
        .slice(0, 60);
      await use(async (page, name) => {
        await page.screenshot({ path: path.join(dir, `${slug}--${name}.png`), fullPage: true });
      });
    },
  },
);

test.use({ baseURL: process.env.E2E_APP_URL });

export { expect };

export function readerCard(page: Page, name: string): Locator {
  return page.getByRole('article', { name });
}

export type Status = 'available' | 'busy' | 'away' | 'offline';

const WORDS: Record<Status, string> = { available: 'Available', busy: 'In a reading', away: 'Away', offline: 'Offline' };

/** A card shows the status in words, on its dot's label too, and Video only when available. */
export async function expectStatus(card: Locator, name: string, status: Status) {
  await expect(card.getByText(WORDS[status], { exact: true })).toBeVisible({ timeout: ONE_POLL_MS });
  await expect(card.getByRole('img', { name: WORDS[status] })).toBeVisible();
  if (status === 'available') {
    // A visitor's leads to the reader's page; a signed-in person's asks for the reading.
    const video = card.getByRole('link', { name: `Video reading with ${name}` }).or(card.getByRole('button', { name: `Video reading with ${name}` }));
    await expect(video).toBeEnabled();
    return;
  }
  const video = card.getByRole('button', { name: `Video reading with ${name}` });
  await expect(video).toBeDisabled();
  await expect(video).toHaveAccessibleDescription(new RegExp(`Unavailable: ${name} is (in a reading|away|offline)`));
  if (status === 'offline') await expect(card.getByText(/last seen|not seen online yet/)).toBeVisible();
}

export const expectAvailable = (card: Locator, name: string) => expectStatus(card, name, 'available');
export const expectOffline = (card: Locator, name: string) => expectStatus(card, name, 'offline');

/** Signs out from the header and waits until the app has finished (the header offers to sign in again). */
export async function signOut(page: Page) {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('link', { name: 'Sign in' })).toBeVisible();
}

export async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
}

/** The reader's status as the database judges it now. */
export async function statusOf(db: Database, readerId: string): Promise<Status> {
  const [row] = await db.query<{ status: Status }>('select status::text from public.reader_cards where id = $1', [readerId]);
  return row!.status;
}

/** The header control a signed-in reader sees their own status on, and chooses it with. */
export function ownStatus(page: Page): Locator {
  return page.getByRole('button', { name: /^Your status: / });
}

/** Chooses a status from the header, as a reader does. */
export async function chooseStatus(page: Page, label: 'Available' | 'Busy' | 'Away' | 'Appear offline', options: { message?: string; duration?: string } = {}) {
  await ownStatus(page).click();
  const form = page.getByRole('form', { name: 'Change your status' });
  await form.getByRole('radio', { name: new RegExp(`^${label}`) }).check();
  if (options.message !== undefined) await form.getByLabel(/Message/).fill(options.message);
  if (options.duration) await form.getByLabel('For').selectOption({ label: options.duration });
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(form).toHaveCount(0);
}

/** Marks the page so a test can tell it was never reloaded. */
export async function markPage(page: Page) {
  await page.evaluate(() => Object.assign(window, { __notReloaded: true }));
}

export async function expectNotReloaded(page: Page) {
  expect(await page.evaluate(() => (window as unknown as { __notReloaded?: boolean }).__notReloaded)).toBe(true);
}

/** Closes a tab the way a person does: unload handlers run. */
export async function closeTab(page: Page) {
  const closed = page.waitForEvent('close');
  await page.close({ runBeforeUnload: true });
  await closed;
}

/** axe's WCAG 2.1 A and AA rules find nothing serious or critical on the page as it is. */
export async function expectNoSeriousAxeViolations(page: Page) {
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
  expect(serious.map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join('; ')})`)).toEqual([]);
}
