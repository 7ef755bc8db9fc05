import { chromium } from 'playwright-core';
const base = 'http://127.0.0.1:8099';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const shots = [
  ['guardian', '/conversations', 'conv-guardian'],
  ['staff-nordby', '/conversations/new', 'conv-new'],
  ['staff-nordby', '/conversations/day', 'conv-day'],
  ['guardian', '/calendar/events', 'events-guardian'],
  ['staff-nordby', '/calendar/events', 'events-staff'],
];
for (const lang of ['nb', 'nn']) {
  for (const [persona, path, name] of shots) {
    for (const width of [1280, 375]) {
      const ctx = await browser.newContext({ baseURL: base, viewport: { width, height: 900 } });
      const page = await ctx.newPage();
      await page.goto('/login');
      await page.locator(`#persona-${persona}`).click();
      await page.waitForLoadState('load');
      const sel = page.locator('select[name=lang]');
      if (await sel.count()) { await sel.first().selectOption(lang); await page.locator('form:has(select[name=lang]) button').first().click(); await page.waitForLoadState('load'); }
      await page.goto(path);
      await page.screenshot({ path: `/tmp/lead/shots/${lang}-${name}-${width}.png`, fullPage: true });
      await ctx.close();
    }
  }
}
await browser.close();
