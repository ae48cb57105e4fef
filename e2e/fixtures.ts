import fs from 'node:fs';
import path from 'node:path';
import { test as base, expect, type Browser, type BrowserContext, type BrowserServer, type Locator, type Page } from '@playwright/test';
import pg from 'pg';
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
}

async function control(action: 'cut' | 'restore') {
  const response = await fetch(`${setting('E2E_CONTROL_URL')}/api/${action}`, { method: 'POST' });
  if (!response.ok) throw new Error(`could not ${action} the API: ${response.status} ${await response.text()}`);
}

/** The seed's readers and presence story, restored before every scenario so none depends on another. */
async function resetPresence(db: Database) {
  // Accounts made by earlier scenarios (sign-ups) go; the seed's demo accounts stay.
  await db.query("delete from auth.users where email not like '%@demo.test'");
  await db.query('delete from public.presence_audit_log');
  // Coming online stamps last_seen_at (trigger), so the flag goes first and the time after it.
  await db.query('update public.users set is_online = (id = any($1)) where is_reader', [[READERS.luna.id, READERS.orion.id, READERS.selene.id]]);
  await db.query(
    `update public.users set last_seen_at = now() - case id
       when $1::uuid then interval '10 seconds' when $2::uuid then interval '20 minutes'
       when $3::uuid then interval '1 minute' else interval '2 hours' end
     where is_reader`,
    [READERS.luna.id, READERS.orion.id, READERS.selene.id],
  );
  await db.query('delete from public.presence_audit_log');
}

export interface People {
  /** Another person at another computer: a browser context of their own, on the readers page unless told otherwise. */
  open(options?: { path?: string }): Promise<{ context: BrowserContext; page: Page }>;
  /** The same, in a browser process of their own that `crash()` kills outright: no unload handler runs. */
  openInOwnBrowser(options?: { path?: string }): Promise<{ page: Page; crash(): void }>;
}

export const test = base.extend<
  { api: ApiControl; people: People; shot: (page: Page, name: string) => Promise<void>; seededPresence: void },
  { db: Database }
>({
  db: [
    async ({}, use) => {
      const pool = new pg.Pool({ connectionString: setting('E2E_DB_URL'), max: 2 });
      pool.on('error', () => {});
      await use({ query: async (text, values) => (await pool.query(text, values)).rows });
      await pool.end();
    },
    { scope: 'worker' },
  ],
  seededPresence: [
    async ({ db }, use) => {
      await resetPresence(db);
      await use();
    },
    { auto: true },
  ],
  api: async ({}, use) => {
    await use({ cut: () => control('cut'), restore: () => control('restore') });
    // A failed scenario must not leave the API down for the next one.
    await control('restore');
  },
  people: async ({ browser, launchOptions }, use) => {
    const contexts: BrowserContext[] = [];
    const ownBrowsers: BrowserServer[] = [];
    const pageErrors: string[] = [];
    const openIn = async (target: Browser, start: string) => {
      const context = await target.newContext({ baseURL: setting('E2E_APP_URL') });
      contexts.push(context);
      context.on('page', (page) => page.on('pageerror', (error) => pageErrors.push(error.message)));
      const page = await context.newPage();
      await page.goto(start);
      return { context, page };
    };
    await use({
      open: ({ path: start = '/readers' } = {}) => openIn(browser, start),
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
    const slug = testInfo.title.replace(/[^a-z0-9]+/gi, '-').toLowerCase().slice(0, 60);
    await use(async (page, name) => {
      await page.screenshot({ path: path.join(dir, `${slug}--${name}.png`), fullPage: true });
    });
  },
});

test.use({ baseURL: process.env.E2E_APP_URL });

export { expect };

export function readerCard(page: Page, name: string): Locator {
  return page.getByRole('article', { name });
}

export async function expectOnline(card: Locator, name: string) {
  await expect(card.getByText('Online', { exact: true })).toBeVisible({ timeout: ONE_POLL_MS });
  await expect(card.getByRole('img', { name: 'Online' })).toBeVisible();
  await expect(card.getByRole('link', { name: `Video reading with ${name}` })).toBeVisible();
}

export async function expectOffline(card: Locator, name: string) {
  await expect(card.getByText('Offline', { exact: true })).toBeVisible({ timeout: ONE_POLL_MS });
  await expect(card.getByRole('img', { name: 'Offline' })).toBeVisible();
  await expect(card.getByText(/last seen|not seen online yet/)).toBeVisible();
  await expect(card.getByRole('button', { name: `Video reading with ${name}` })).toBeDisabled();
}

export async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
}

export async function onlineFlag(db: Database, readerId: string): Promise<boolean> {
  const [row] = await db.query<{ online: boolean }>(
    'select is_online and last_seen_at > now() - public.presence_online_threshold() as online from public.users where id = $1',
    [readerId],
  );
  return row?.online ?? false;
}
