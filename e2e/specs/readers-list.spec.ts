import AxeBuilder from '@axe-core/playwright';
import { expect, expectOffline, expectAvailable, expectStatus, READERS, readerCard, test } from '../fixtures.ts';

test('1. a client sees available readers first (green), then those in a reading (amber), then offline ones (gray, last seen)', async ({ people, shot }) => {
  const { page } = await people.open();

  const cards = page.getByRole('list', { name: 'Readers' }).getByRole('article');
  await expect(cards.getByRole('heading')).toHaveText([READERS.luna.name, READERS.selene.name, READERS.orion.name, READERS.rowan.name]);
  await expectAvailable(readerCard(page, READERS.luna.name), READERS.luna.name);
  await expectStatus(readerCard(page, READERS.selene.name), READERS.selene.name, 'busy');
  await expect(readerCard(page, READERS.selene.name).getByText('“In a moon-cycle reading”')).toBeVisible();
  // Orion's browser went silent 20 minutes ago: the five-minute rule says offline.
  await expectOffline(readerCard(page, READERS.orion.name), READERS.orion.name);
  await expect(readerCard(page, READERS.orion.name).getByText('last seen 20 minutes ago')).toBeVisible();
  await expectOffline(readerCard(page, READERS.rowan.name), READERS.rowan.name);
  await expect(readerCard(page, READERS.rowan.name).getByText('last seen 2 hours ago')).toBeVisible();

  const dotColor = (name: string) =>
    readerCard(page, name)
      .getByRole('img')
      .locator('span')
      .evaluate((dot) => getComputedStyle(dot).backgroundColor);
  const available = await dotColor(READERS.luna.name);
  const busy = await dotColor(READERS.selene.name);
  const offline = await dotColor(READERS.rowan.name);
  // In Tailwind's oklch colours: green a hue near 160, amber near 70 to 90; gray has almost no chroma.
  expect(available).toMatch(/^oklch\([\d.]+%? 0\.1\d+ 1[56]\d/);
  expect(busy).toMatch(/^oklch\([\d.]+%? 0\.1\d+ [789]\d/);
  expect(offline).toMatch(/^oklch\([\d.]+%? 0\.0\d+ /);
  await shot(page, 'readers');

  // On a phone: one column, nothing wider than the screen.
  await page.setViewportSize({ width: 390, height: 844 });
  await expectAvailable(readerCard(page, READERS.luna.name), READERS.luna.name);
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
  await shot(page, 'readers-phone');

  // A card's Video button leads to the reader's page, at its video section.
  await readerCard(page, READERS.luna.name)
    .getByRole('link', { name: `Video reading with ${READERS.luna.name}` })
    .click();
  await expect(page.getByRole('heading', { level: 1, name: READERS.luna.name })).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: 'Video reading' })).toBeInViewport();
  await expect(page.getByText(`${READERS.luna.name} is available now for a video reading.`)).toBeVisible();
  await shot(page, 'reader-page-phone');
});

test('8. a client whose clock is hours wrong still sees the right statuses and last-seen times', async ({ people }) => {
  for (const hours of [5, -7]) {
    const { context, page } = await people.open({ path: '/' });
    await page.clock.setSystemTime(new Date(Date.now() + hours * 3_600_000));
    await page.goto('/readers');

    await expectAvailable(readerCard(page, READERS.luna.name), READERS.luna.name);
    await expectOffline(readerCard(page, READERS.orion.name), READERS.orion.name);
    await expect(readerCard(page, READERS.orion.name).getByText('last seen 20 minutes ago'), `clock off by ${hours} h`).toBeVisible();
    // The page's clock really is that far off.
    const pageClockError = (await page.evaluate(() => Date.now())) - Date.now();
    expect(Math.abs(pageClockError - hours * 3_600_000)).toBeLessThan(60_000);
    await context.close();
  }
});

test("10. keyboard only: the filters and a card's Video button are reachable, and axe finds no serious violations", async ({ people, shot }) => {
  const { page } = await people.open();
  await expectAvailable(readerCard(page, READERS.luna.name), READERS.luna.name);

  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to main content' })).toBeFocused();

  const reached: string[] = [];
  for (let presses = 0; presses < 40; presses += 1) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const element = document.activeElement as HTMLElement | null;
      return element ? `${element.tagName.toLowerCase()}:${element.getAttribute('aria-label') ?? element.textContent?.trim() ?? ''}` : '';
    });
    reached.push(focused);
    if (focused === `a:Video reading with ${READERS.luna.name}`) break;
  }
  expect(reached).toContain('input:');
  expect(reached.at(-1)).toBe(`a:Video reading with ${READERS.luna.name}`);
  await expect(page.getByRole('combobox', { name: 'Specialty' })).toHaveCount(1);

  // The filters work from the keyboard too.
  await page.getByRole('checkbox', { name: 'Available now' }).focus();
  await page.keyboard.press('Space');
  await expect(page.getByRole('list', { name: 'Readers' }).getByRole('article')).toHaveCount(1);
  await expect(page).toHaveURL(/available=1/);
  await page.getByRole('combobox', { name: 'Specialty' }).focus();
  await page.keyboard.type('zzz-no-such-specialty');
  await expect(page.getByText('No readers match these filters right now.')).toBeVisible();
  await page.getByRole('button', { name: 'Clear filters' }).first().focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('list', { name: 'Readers' }).getByRole('article')).toHaveCount(4);
  await shot(page, 'keyboard');

  for (const path of ['/readers', '/sign-in', '/sign-up', `/readers/${READERS.luna.id}`]) {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    const serious = violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
    expect(serious.map((violation) => `${path}: ${violation.id}: ${violation.help}`)).toEqual([]);
  }
});
