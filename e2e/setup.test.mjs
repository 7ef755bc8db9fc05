// From an empty database to a working day, in a real browser, as a new
// municipality would do it (issue 14): the app starts with -demo=false
// -seed=false on an empty SQLite database, serving one municipality, with
// Feide for staff and ID-porten for guardians (both played by the local
// provider in steps/idp.mjs). The bootstrap administrator sets up a
// kindergarten, its group, a planning day, staff and their roles, the
// billing settings and a price list; a caseworker makes an intake and
// registers a child and its guardian; the guardian applies; the caseworker
// runs the intake (before its deadline, so with a reason) and approves it;
// the guardian accepts the offer. The app is then restarted on the day the
// place starts (-today, an open day), a member of staff checks the child
// in, and the caseworker runs the first month's invoices, whose amount is
// checked to the øre against the price list entered above. Every page is
// checked with axe (WCAG 2.1 A and AA) and photographed under
// screenshots/setup-*.png.
//
// Run: npm ci && node --test setup.test.mjs   (OPPVEKST_BIN reuses a built binary)
//
// The same story runs in Go on SQLite and PostgreSQL
// (reference-app/setup_flow_test.go).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { freePort, startProvider } from './steps/idp.mjs';
import { openDay } from './steps/openday.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..');
const shots = join(here, 'screenshots');
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const municipality = '4601';
const admin = { principal: 'kari.admin@bergen.kommune.example', name: 'Kari Admin' };
const caseworker = { principal: 'siri.sak@bergen.kommune.example', name: 'Siri Saksbehandler' };
const worker = { principal: 'per.pedagog@bergen.kommune.example', name: 'Per Pedagog' };
const unitName = 'Solsikken barnehage';
const groupName = 'Blåklokka';

// Dates. The set-up runs today (any day: weekends too); the place starts
// on the first day after tomorrow on which a kindergarten is open, and
// the second half of the story runs on that day.
const dayMs = 86400000;
const iso = (t) => new Date(t).toISOString().slice(0, 10);
const osloToday = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Oslo' }).format(new Date());
const addDays = (d, n) => iso(Date.parse(d + 'T00:00:00Z') + n * dayMs);
const deadline = addDays(osloToday, 1);
const start = openDay(new Date(Date.parse(addDays(osloToday, 2) + 'T12:00:00Z')));
const planningDay = openDay(new Date(Date.parse(addDays(start, 7) + 'T12:00:00Z')));
const startMonth = start.slice(0, 7);
const [sy, sm, sd] = start.split('-').map(Number);
const daysInMonth = new Date(Date.UTC(sy, sm, 0)).getUTCDate();

// The monthly price entered below, and the first invoice: the place
// starts on day sd of a month of daysInMonth days, so the month is
// prorated by calendar days (billing.Prorate: full × days ÷ days in
// month, rounded to øre half away from zero).
const monthlyPrice = 1200n * 100n; // øre; the national maximum from 2025-08-01 is 1 200 kr
const monthlyFood = 350n * 100n; // øre, food money (kost), prorated the same way
const days = BigInt(daysInMonth - sd + 1);
const prorate = (full) => (2n * full * days + BigInt(daysInMonth)) / (2n * BigInt(daysInMonth));
const firstInvoiceOre = prorate(monthlyPrice) + prorate(monthlyFood);
const kroner = (ore) => {
  const kr = (ore / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, '\u00a0');
  return `${kr},${(ore % 100n).toString().padStart(2, '0')}`;
};

// Valid fictional national IDs: synthetic fødselsnummer (month + 80, the
// form Skatteetaten's test data uses), with both mod-11 control digits.
function syntheticID(birth, from) {
  const [y, m, d] = birth.split('-').map(Number);
  const base = `${String(d).padStart(2, '0')}${String(m + 80)}${String(y % 100).padStart(2, '0')}`;
  const w1 = [3, 7, 6, 1, 8, 9, 4, 5, 2], w2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
  const control = (digits, w) => { const r = 11 - (digits.reduce((s, x, i) => s + x * w[i], 0) % 11); return r === 11 ? 0 : r; };
  for (let ind = from; ind < from + 400; ind++) {
    const nine = (base + String(ind).padStart(3, '0')).split('').map(Number);
    const k1 = control(nine, w1);
    if (k1 === 10) continue;
    const k2 = control([...nine, k1], w2);
    if (k2 === 10) continue;
    return nine.join('') + k1 + k2;
  }
  throw new Error('no synthetic ID for ' + birth);
}
const childBirth = `${sy - 3}-03-14`;
const child = { givenName: 'Emma', familyName: 'Fjellheim', birthDate: childBirth, nationalId: syntheticID(childBirth, 500) };
const guardian = { givenName: 'Nora', familyName: 'Fjellheim', nationalId: syntheticID('1990-06-02', 100), phone: '+47 912 34 567', email: 'nora.fjellheim@example.no' };

// A bank account number with a valid mod-11 control digit.
function bankAccount(ten) {
  const w = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
  for (let n = Number(ten); ; n++) {
    const d = String(n).padStart(10, '0').split('').map(Number);
    const r = 11 - (d.reduce((s, x, i) => s + x * w[i], 0) % 11);
    if (r === 10) continue;
    return d.join('') + (r === 11 ? 0 : r);
  }
}
const account = bankAccount('1503123456');

let bin, dataDir, base, appPort, app, appLog = '', feide, idporten, browser;

async function startApp(today) {
  const args = ['-data', join(dataDir, 'data'), '-addr', `127.0.0.1:${appPort}`, '-demo=false', '-seed=false'];
  if (today !== osloToday) args.push('-today', today);
  app = spawn(bin, args, {
    cwd: repo, stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env, OPPVEKST_PUBLIC_URL: base, OPPVEKST_MUNICIPALITIES: municipality,
      OPPVEKST_FEIDE_ISSUER: feide.issuer, OPPVEKST_FEIDE_CLIENT_ID: 'oppvekst', OPPVEKST_FEIDE_CLIENT_SECRET: 'hemmelig',
      OPPVEKST_IDPORTEN_ISSUER: idporten.issuer, OPPVEKST_IDPORTEN_CLIENT_ID: 'oppvekst', OPPVEKST_IDPORTEN_CLIENT_SECRET: 'hemmelig',
      OPPVEKST_BOOTSTRAP_ADMIN: `${municipality},${admin.principal},${admin.name}`,
    },
  });
  app.stdout.on('data', d => { appLog += d; });
  app.stderr.on('data', d => { appLog += d; });
  for (let i = 0; ; i++) {
    try { if ((await fetch(base + '/readyz')).ok) break; } catch { /* not yet */ }
    if (i > 300 || app.exitCode !== null) throw new Error('the app did not start:\n' + appLog);
    await new Promise(r => setTimeout(r, 100));
  }
}

async function stopApp() {
  if (app && app.exitCode === null) {
    const exited = new Promise(r => app.once('exit', r));
    app.kill('SIGTERM');
    await exited;
  }
}

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'oppvekst-setup-'));
  bin = process.env.OPPVEKST_BIN;
  if (!bin) {
    bin = join(dataDir, 'oppvekst');
    execFileSync('go', ['build', '-o', bin, './reference-app'], { cwd: repo, stdio: 'inherit' });
  }
  appPort = await freePort();
  base = `http://127.0.0.1:${appPort}`;
  feide = await startProvider({ port: await freePort(), appBase: base, clientId: 'oppvekst', kind: 'feide', user: admin });
  idporten = await startProvider({ port: await freePort(), appBase: base, clientId: 'oppvekst', kind: 'idporten', user: { pid: guardian.nationalId } });
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
  mkdirSync(shots, { recursive: true });
  for (const f of readdirSync(shots)) if (f.startsWith('setup-')) rmSync(join(shots, f));
});

after(async () => {
  await browser?.close();
  await stopApp();
  feide?.server.close();
  idporten?.server.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

// checkAccessibility runs axe-core for WCAG 2.1 A and AA through the
// DevTools protocol, so the app's CSP stays on.
async function checkAccessibility(page, label) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => globalThis.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
  const problems = result.violations.map(v => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map(n => n.target.join(' ')).join(', ')}`);
  assert.deepEqual(problems, [], `axe on ${label} (${page.url()})`);
}

async function body(page) { return page.locator('body').innerText(); }
async function expectText(page, s) {
  const b = await body(page);
  assert.ok(b.includes(s), `"${s}" should be on ${page.url()}:\n${b.slice(0, 3000)}`);
}
async function expectHeading(page, s) {
  const h1 = await page.locator('h1').first().innerText();
  assert.ok(h1.includes(s), `heading "${h1}" should contain "${s}" on ${page.url()}`);
}
// expectNoErrors: a form that was refused shows its errors as alerts.
async function expectNoErrors(page) {
  const alerts = await page.locator('[role=alert], [aria-invalid=true]').allInnerTexts();
  assert.deepEqual(alerts.filter(a => a.trim() !== ''), [], `no errors on ${page.url()}:\n${(await body(page)).slice(0, 3000)}`);
}

// fill sets the named fields of the form whose action is given (text,
// date, number, select, checkbox) and submits it with its button.
async function fill(page, action, values, button) {
  const form = page.locator(`form[action="${action}"]`).first();
  for (const [name, value] of Object.entries(values)) {
    const field = form.locator(`[name="${name}"]`).first();
    const tag = await field.evaluate(e => e.tagName.toLowerCase() + ':' + (e.type || ''));
    if (tag.startsWith('select')) await field.selectOption(value);
    else if (tag.endsWith('checkbox')) { if (value) await field.check(); else await field.uncheck(); }
    else await field.fill(value);
  }
  await Promise.all([page.waitForNavigation(), (button ? form.getByRole('button', { name: button }) : form.locator('button[type=submit], button:not([type])').last()).click()]);
}

let shot = 0;
async function step(t, page, name, fn) {
  await t.test(name, async () => {
    await fn();
    assert.equal(await page.getAttribute('html', 'lang'), 'nb');
    await checkAccessibility(page, name);
    await page.screenshot({ path: join(shots, `setup-${String(++shot).padStart(2, '0')}-${name}.png`), fullPage: true });
  });
}

async function newPage(who, kind = 'feide') {
  const context = await browser.newContext({ baseURL: base, locale: 'nb-NO', viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(10000);
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', e => page.errors.push(String(e)));
  page.on('response', r => { if (r.status() >= 500) page.errors.push(`${r.status()} ${r.url()}`); });
  (kind === 'feide' ? feide : idporten).as(who);
  await page.goto(`/login/${kind}`);
  await page.waitForLoadState('load');
  return page;
}

const ids = {};

test('from an empty database to a working day', async (t) => {
  await startApp(osloToday);
  assert.match(appLog, /first administrator made/);

  // The bootstrap administrator.
  const a = await newPage(admin);
  await step(t, a, 'admin-logged-in', async () => {
    await expectText(a, admin.name);
  });
  await step(t, a, 'admin-unit-created', async () => {
    await a.goto('/admin/units/new');
    await fill(a, '/admin/units', {
      name: unitName, kind: 'kindergarten', owner: 'municipal',
      'address.street': 'Solsikkevegen 4', 'address.postcode': '5003', 'address.postTown': 'Bergen',
      'openingHours.opens': '07:00', 'openingHours.closes': '16:30',
      'contact.phone': '55 12 34 56', 'contact.email': 'solsikken@bergen.kommune.example',
      'seats.small': '9', 'seats.large': '18',
    });
    await expectNoErrors(a);
    await expectHeading(a, unitName);
    ids.unit = a.url().match(/[0-9a-f-]{36}/)[0];
  });
  await step(t, a, 'admin-group-created', async () => {
    await a.goto(`/admin/units/${ids.unit}/groups/new`);
    const form = a.locator(`form[action="/admin/units/${ids.unit}/groups"]`);
    await form.locator('[name="name"]').fill(groupName);
    const ageGroup = form.locator('[name="ageGroup"]');
    if (await ageGroup.count()) await ageGroup.selectOption({ index: 1 }).catch(() => ageGroup.fill('0-3'));
    await Promise.all([a.waitForNavigation(), form.locator('button').last().click()]);
    await expectNoErrors(a);
    await expectText(a, groupName);
  });
  await step(t, a, 'admin-planning-day', async () => {
    await a.goto('/admin/calendar');
    await fill(a, '/admin/calendar/entries', { kind: 'planning-day', appliesTo: 'kindergarten', start: planningDay, end: planningDay, name: 'Planleggingsdag' });
    await expectNoErrors(a);
    await expectText(a, 'Planleggingsdag');
  });
  for (const [person, grants] of [
    [worker, [{ role: 'unit-staff', unit: () => ids.unit }]],
    [caseworker, [{ role: 'caseworker', capability: 'admission' }, { role: 'caseworker', capability: 'directory' }, { role: 'caseworker', capability: 'billing' }]],
  ]) {
    await step(t, a, `admin-staff-${person.principal.split('.')[0]}`, async () => {
      await a.goto('/admin/staff');
      await fill(a, '/admin/staff', { name: person.name, principal: person.principal });
      await expectNoErrors(a);
      await expectHeading(a, person.name);
      const path = new URL(a.url()).pathname;
      for (const g of grants) {
        const values = { role: g.role, start: osloToday };
        if (g.unit) values.unit = g.unit();
        if (g.capability) values.capability = g.capability;
        await fill(a, `${path}/grants`, values);
        await expectNoErrors(a);
      }
    });
  }
  await step(t, a, 'admin-billing-settings', async () => {
    await a.goto('/billing/settings');
    await fill(a, '/billing/settings', { bankAccount: account, firstMonth: startMonth, kidMethod: 'mod10', dueDay: '20', correctionMonths: '3' });
    await expectNoErrors(a);
  });
  await step(t, a, 'admin-price-list', async () => {
    await a.goto('/billing/price-lists');
    await fill(a, '/billing/price-lists', { kind: 'kindergarten', start: `${startMonth}-01`, zone: 'ordinary', fullTimePrice: '1200', minHours0: '0', amount0: '1', food0: '350' });
    await expectNoErrors(a);
    await expectText(a, '1\u00a0200');
  });

  // The caseworker: an intake, a child and its guardian.
  const c = await newPage(caseworker);
  await step(t, c, 'caseworker-intake', async () => {
    await c.goto('/admission/intakes/new');
    const values = { name: `Hovedopptak ${sy}`, kind: 'kindergarten', admissionYear: String(sy), deadline, start };
    values[`places-${ids.unit}`] = '5';
    values[`small-${ids.unit}`] = '2';
    await fill(c, '/admission/intakes', values);
    await expectNoErrors(c);
    await expectText(c, `Hovedopptak ${sy}`);
    ids.intake = new URL(c.url()).pathname;
  });
  await step(t, c, 'caseworker-child', async () => {
    await c.goto('/caseworker/children/new');
    await fill(c, '/caseworker/children', child);
    await expectNoErrors(c);
    await expectHeading(c, `${child.givenName} ${child.familyName}`);
    ids.child = c.url().match(/children\/([0-9a-f-]{36})/)[1];
  });
  await step(t, c, 'caseworker-guardian', async () => {
    await c.goto(`/children/${ids.child}/guardians/new`);
    await fill(c, `/children/${ids.child}/guardians`, { ...guardian, parentalResponsibility: true, livesWithChild: true });
    await expectNoErrors(c);
    await expectText(c, `${guardian.givenName} ${guardian.familyName}`);
  });

  // The guardian applies with ID-porten.
  const g = await newPage({ pid: guardian.nationalId }, 'idporten');
  await step(t, g, 'guardian-applies', async () => {
    await expectText(g, child.givenName);
    await g.goto('/admission');
    await Promise.all([g.waitForNavigation(), g.locator(`a[href^="/children/${ids.child}/apply?intake="]`).first().click()]);
    const form = g.locator(`form[action="/children/${ids.child}/applications"]`);
    const choice = form.locator('select').first();
    const value = await choice.locator('option').evaluateAll((os, name) => os.find(o => o.text.includes(name))?.value, unitName);
    await choice.selectOption(value);
    const want = form.locator('[name="start"], [name="wantedStart"], [name="startDate"]');
    if (await want.count()) await want.first().fill(start);
    await Promise.all([g.waitForNavigation(), form.locator('button').last().click()]);
    await expectNoErrors(g);
    assert.match(g.url(), /\/applications\/[0-9a-f-]{36}$/);
    ids.application = new URL(g.url()).pathname;
  });

  // The caseworker runs the intake before its deadline (with a reason)
  // and approves the run.
  await step(t, c, 'caseworker-runs-intake', async () => {
    await c.goto(ids.intake);
    const form = c.locator('form[action$="/runs"]');
    await form.locator('textarea, input[type=text]').first().fill('Bare én søker i prøveopptaket; kommunen kjører før fristen.');
    await Promise.all([c.waitForNavigation(), form.locator('button').last().click()]);
    await expectNoErrors(c);
    await expectText(c, `${child.familyName}`);
  });
  await step(t, c, 'caseworker-approves', async () => {
    // The run page leads to a confirmation of what will be sent; before
    // the deadline the approval needs a reason; a success page follows.
    await Promise.all([c.waitForNavigation(), c.locator('main a[href$="/approve"]').first().click()]);
    const form = c.locator('form[action$="/approve"]');
    const reason = form.locator('#reason');
    if (await reason.count()) await reason.fill('Bare én søker i prøveopptaket; kommunen sender tilbudet før fristen.');
    await Promise.all([c.waitForNavigation(), form.locator('button[type=submit]').click()]);
    await expectNoErrors(c);
    assert.match(c.url(), /\/admission\/runs\/[0-9a-f-]{36}\/approved$/);
  });

  // The guardian accepts the offer.
  await step(t, g, 'guardian-accepts', async () => {
    await g.goto(ids.application);
    const accept = g.locator(`form[action^="/children/${ids.child}/offers/"][action$="/accept"]`);
    assert.equal(await accept.count(), 1, 'the application page offers the place');
    await Promise.all([g.waitForNavigation(), accept.locator('button').first().click()]);
    await expectNoErrors(g);
    await g.goto(`/children/${ids.child}`);
    await expectText(g, unitName);
  });

  for (const p of [a, c, g]) assert.deepEqual(p.errors, [], 'no script errors and no server errors');
  await Promise.all([a, c, g].map(p => p.context().close()));

  // The place starts: the next morning of the story is the start date.
  await stopApp();
  await startApp(start);

  const w = await newPage(worker);
  await step(t, w, 'staff-checks-in', async () => {
    await w.goto('/staff/attendance');
    await expectText(w, child.givenName);
    const form = w.locator(`form[action="/staff/attendance/${ids.child}/check-in"]`);
    await Promise.all([w.waitForNavigation(), form.locator('button').click()]);
    await expectNoErrors(w);
    assert.equal(await w.locator(`form[action="/staff/attendance/${ids.child}/check-in"]`).count(), 0, 'the child is checked in');
    assert.equal(await w.locator(`form[action="/staff/attendance/${ids.child}/check-out"]`).count(), 1, 'and can be checked out');
  });

  const c2 = await newPage(caseworker);
  await step(t, c2, 'caseworker-family', async () => {
    await c2.goto('/billing/families');
    await fill(c2, '/billing/families', { child: child.nationalId, payer: guardian.nationalId, familyStart: start });
    await expectNoErrors(c2);
    await expectText(c2, `${guardian.givenName} ${guardian.familyName}`);
  });
  await step(t, c2, 'caseworker-invoice-run', async () => {
    await c2.goto('/billing');
    // Preview first (nothing stored), then approve what was previewed.
    const form = c2.locator('form[action="/billing/invoice-runs/preview"]');
    await form.locator('[name="month"]').fill(startMonth);
    await Promise.all([c2.waitForNavigation(), form.locator('button').last().click()]);
    await expectNoErrors(c2);
    const approve = c2.locator('form[action="/billing/invoice-runs"]');
    await Promise.all([c2.waitForNavigation(), approve.locator('button').last().click()]);
    await expectNoErrors(c2);
    await c2.goto(`/billing/invoices?month=${startMonth}`);
    const rows = await c2.locator('tbody tr').allInnerTexts();
    const row = rows.find(r => r.includes(`${child.givenName} ${child.familyName}`));
    assert.ok(row, `an invoice for the child among ${JSON.stringify(rows)}`);
    const spaces = (x) => x.replace(/[\s\u00a0\u202f]+/g, ' ');
    assert.ok(spaces(row).includes(spaces(`${kroner(firstInvoiceOre)} kr`)), `the invoice is ${kroner(firstInvoiceOre)} kr (fee and food for ${days} of ${daysInMonth} days): ${row}`);
    assert.ok(row.includes(`${guardian.givenName} ${guardian.familyName}`), 'to the guardian who pays');
  });
  for (const p of [w, c2]) assert.deepEqual(p.errors, [], 'no script errors and no server errors');
});
