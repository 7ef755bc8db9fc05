// layout.mjs checks the pages for a phone and a desktop: for each persona
// it crawls the pages reachable by GET links from its home page and, at
// 1280 and 375 px wide, checks that
//
//   - the page does not scroll sideways (document scrollWidth ≤ innerWidth),
//   - every visible interactive element (a, button, input, select,
//     textarea, summary, [role=button]) is at least 44 × 44 px,
//   - axe-core finds nothing against WCAG 2.1 A and AA,
//
// and photographs each page under screenshots/layout/. Two exceptions to
// the 44 px rule, both WCAG 2.5.8's: a link inside a sentence of running
// text (its parent has text of its own besides the link) keeps the line's
// height; a checkbox or radio counts together with its label, which is
// part of its target (a click on the label toggles it).
//
// Run: npm ci && node layout.mjs            (builds and starts the app)
//      LAYOUT_LANG=en LAYOUT_PAGES=20 node layout.mjs   (in English, 20 pages a persona)
//      LAYOUT_LIST=1 node layout.mjs            (also lists the pages it found)
//      node layout.mjs http://127.0.0.1:8080 (an app already running, with demo login)
// Exits 1 when anything failed; prints one line per problem and a summary.

import { spawn, execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { openDay } from './steps/openday.mjs';
import { measure } from './steps/measure.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..');
const shots = join(here, 'screenshots', 'layout');
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const widths = [1280, 375];
const personas = ['', 'guardian', 'staff-nordby', 'caseworker', 'admin'];
const perPersona = Number(process.env.LAYOUT_PAGES || 40);
const lang = process.env.LAYOUT_LANG || ''; // nb (the default), nn or en

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

async function startApp() {
  const dataDir = mkdtempSync(join(tmpdir(), 'oppvekst-layout-'));
  const bin = join(dataDir, 'oppvekst');
  execFileSync('go', ['build', '-o', bin, './reference-app'], { cwd: repo, stdio: 'inherit' });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const app = spawn(bin, ['-data', join(dataDir, 'data'), '-addr', `127.0.0.1:${port}`, '-login-limit', '600', '-today', openDay()],
    { cwd: repo, stdio: ['ignore', 'ignore', 'inherit'] });
  for (let i = 0; ; i++) {
    try { if ((await fetch(base + '/readyz')).ok) break; } catch { /* not yet */ }
    if (i > 300 || app.exitCode !== null) throw new Error('the app did not start');
    await new Promise(r => setTimeout(r, 100));
  }
  return { base, stop: () => { app.kill(); rmSync(dataDir, { recursive: true, force: true }); } };
}

async function crawl(page, base, start) {
  // Pages of one shape (the same path but for the ids in it) are checked
  // twice at most, so the crawl reaches the other kinds of page.
  const seen = new Set(), queue = [start], pages = [], shapes = new Map();
  const shape = p => p.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '{id}').replace(/\?.*/, '?');
  while (queue.length && pages.length < perPersona) {
    const path = queue.shift();
    if (seen.has(path)) continue;
    seen.add(path);
    const n = shapes.get(shape(path)) || 0;
    if (n >= 2) continue;
    shapes.set(shape(path), n + 1);
    const resp = await page.goto(base + path);
    if (!resp || !resp.ok() || !(resp.headers()['content-type'] || '').startsWith('text/html')) continue;
    pages.push(path);
    const links = await page.$$eval('a[href]', as => as.filter(a => !a.hasAttribute('download')).map(a => a.getAttribute('href')));
    for (const l of links) {
      if (!l.startsWith('/') || l.startsWith('//')) continue;
      const p = l.split('#')[0];
      if (!p || /^\/(api|static|login|logout|conformance|healthz|readyz)\b/.test(p) || /\.(csv|json|pdf)$/.test(p) || p.includes('/export')) continue;
      if (!seen.has(p)) queue.push(p);
    }
  }
  return pages;
}

const external = process.argv[2];
const app = external ? { base: external, stop() {} } : await startApp();
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
rmSync(shots, { recursive: true, force: true });
mkdirSync(shots, { recursive: true });
let checked = 0, failed = 0;
const problems = [];

// check measures the page the browser is on at each width (resizing, not
// reloading, so a page a form answered is checked too) and photographs it.
async function check(page, who, label) {
  for (const width of widths) {
    await page.setViewportSize({ width, height: 900 });
    const m = await page.evaluate(measure);
    await page.evaluate(axeSource);
    const axe = await page.evaluate(() => globalThis.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
    const file = `${who}${label.replace(/[^a-zA-Z0-9]+/g, '_')}-${width}.png`;
    await page.screenshot({ path: join(shots, file), fullPage: true });
    const here = [];
    if (m.scrollWidth > m.innerWidth) here.push(`scrolls sideways: scrollWidth ${m.scrollWidth} > ${m.innerWidth} (${m.wide.join('; ')})`);
    for (const s of m.small) here.push(`small target: ${s}`);
    for (const v of axe.violations) here.push(`axe ${v.id}: ${v.help} — ${v.nodes.map(n => n.target.join(' ')).slice(0, 5).join(', ')}`);
    checked++;
    if (here.length) failed++;
    for (const p of here) problems.push(`${who} ${label} @${width}: ${p}`);
  }
  await page.setViewportSize({ width: widths[0], height: 900 });
}

// Pages only a form leads to: the answers are checked where they land.
const actions = {
  caseworker: [
    ['admission run', async (page) => {
      await page.goto(app.base + '/admission/intakes');
      const intakes = await page.$$eval('main a[href^="/admission/intakes/"]', as => as.map(a => a.getAttribute('href')));
      for (const href of intakes) { // the first intake that can be run
        await page.goto(app.base + href);
        if (await page.locator('form[action$="/runs"]').count()) break;
      }
      if (await page.locator('#reason').count()) await page.fill('#reason', 'Layout check');
      await page.locator('form[action$="/runs"] button[type=submit]').click({ timeout: 5000 });
      await page.waitForLoadState('load');
    }],
    ['invoice run', async (page) => {
      await page.goto(app.base + '/billing');
      await page.locator('form[action="/billing/invoice-runs/preview"] button[type=submit]').click();
      await page.waitForLoadState('load');
    }],
    ['refused child form', async (page) => {
      await page.goto(app.base + '/caseworker/children/new');
      await page.locator('main form button[type=submit]').last().click();
      await page.waitForLoadState('load');
    }],
  ],
  'staff-nordby': [
    ['check-in', async (page) => {
      await page.goto(app.base + '/staff/attendance');
      // board.js sends the tap and then loads the board again with
      // done=in: wait for that, or the check runs while it navigates.
      await Promise.all([page.waitForURL(/done=in/), page.locator('form[action$="/check-in"] button[type=submit]').first().click()]);
      await page.waitForLoadState('load');
    }],
  ],
};

try {
  for (const persona of personas) {
    const who = persona || 'anonymous';
    const ctx = await browser.newContext({ viewport: { width: widths[0], height: 900 } });
    const page = await ctx.newPage();
    if (persona) {
      await page.goto(app.base + '/login');
      await page.locator(`#persona-${persona}`).click();
      await page.waitForLoadState('load');
    }
    if (lang) { // the language form in the header, as a user would
      await page.goto(app.base + '/login');
      await page.selectOption('#lang', lang);
      await page.locator('header form[action="/language"] button').click();
      await page.waitForLoadState('load');
    }
    const pages = persona ? await crawl(page, app.base, '/') : ['/login'];
    if (process.env.LAYOUT_LIST) console.log(`${who}: ${pages.join(' ')}`);
    for (const path of pages) {
      await page.goto(app.base + path);
      await check(page, who, path);
    }
    for (const [label, act] of actions[persona] || []) {
      try {
        await act(page);
      } catch (err) {
        problems.push(`${who} ${label}: could not get there: ${err.message.split('\n')[0]}`);
        continue;
      }
      await check(page, who, `${label} (${new URL(page.url()).pathname})`);
    }
    await ctx.close();
  }
} finally {
  await browser.close();
  app.stop();
}
for (const p of problems) console.log(p);
console.log(`layout: ${checked} page views checked (${widths.join(' and ')} px), ${failed} with problems, ${problems.length} problems; screenshots in ${shots}`);
process.exit(problems.length ? 1 : 0);
