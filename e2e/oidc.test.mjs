// Login and logout with an OpenID provider, in Debian's chromium: the app
// runs with Feide configured against a small provider started here (with a
// single sign-on session in a cookie of its own, a minimal ID token and the
// Feide name from userinfo, as Feide does). The browser logs in, logs out
// with the header's button, and logs in again: the logout must reach the
// provider's end_session_endpoint (RP-Initiated Logout) through the app's
// CSP (form-action 'self'), so that the second login asks again.
//
// Run: npm ci && node --test   (CHROMIUM=/path overrides /usr/bin/chromium)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { freePort, startProvider } from './steps/idp.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..');
const shots = join(here, 'screenshots');
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const clientId = 'oppvekst-e2e';
const principal = 'kari@nordby.example';

let app, browser, base, dataDir, provider;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'oppvekst-e2e-oidc-'));
  const bin = join(dataDir, 'oppvekst');
  execFileSync('go', ['build', '-o', bin, './reference-app'], { cwd: repo, stdio: 'inherit' });
  const [port, idpPort] = [await freePort(), await freePort()];
  base = `http://127.0.0.1:${port}`;
  provider = await startProvider({ port: idpPort, appBase: base, clientId, user: { principal, name: 'Kari Saksbehandler' } });
  const staff = join(dataDir, 'staff.json');
  writeFileSync(staff, JSON.stringify([{ principal, municipality: '9999', role: 'caseworker', name: 'Kari Saksbehandler' }]));
  app = spawn(bin, ['-data', join(dataDir, 'data'), '-addr', `127.0.0.1:${port}`], {
    cwd: repo, stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, OPPVEKST_PUBLIC_URL: base, OPPVEKST_FEIDE_ISSUER: provider.issuer, OPPVEKST_FEIDE_CLIENT_ID: clientId,
      OPPVEKST_FEIDE_CLIENT_SECRET: 'hemmelig', OPPVEKST_FEIDE_STAFF: staff },
  });
  let out = '';
  app.stdout.on('data', d => { out += d; });
  for (let i = 0; ; i++) {
    try { if ((await fetch(base + '/readyz')).ok) break; } catch { /* not yet */ }
    if (i > 300 || app.exitCode !== null) throw new Error('the app did not start:\n' + out);
    await new Promise(r => setTimeout(r, 100));
  }
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
  mkdirSync(shots, { recursive: true });
});

after(async () => {
  await browser?.close();
  if (app && app.exitCode === null) {
    const exited = new Promise(r => app.once('exit', r));
    app.kill('SIGTERM');
    await exited;
  }
  provider?.server.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function checkAccessibility(page) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => globalThis.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
  assert.deepEqual(result.violations.map(v => `${v.id}: ${v.help}`), [], `axe on ${page.url()}`);
}

test('logging out ends the session at the provider too, through the CSP', async () => {
  const context = await browser.newContext({ baseURL: base, locale: 'nb-NO', viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  const blocked = [];
  page.on('console', m => { if (/Content Security Policy/i.test(m.text())) blocked.push(m.text()); });
  try {
    await page.goto('/login');
    await page.getByRole('link', { name: 'Logg inn med Feide (ansatte)' }).click();
    await page.waitForURL('**/caseworker');
    assert.match(await page.locator('body').innerText(), /Logget inn som Kari Saksbehandler/);
    assert.deepEqual([provider.interactive, provider.silent], [1, 0]);

    // The header's button: POST /logout, then on to the provider and back.
    await page.getByRole('button', { name: 'Logg ut' }).click();
    await page.waitForURL('**/logout/callback?**');
    await page.waitForLoadState('load');
    assert.equal(await page.locator('h1').innerText(), 'Du er logget ut');
    assert.match(await page.locator('body').innerText(), /Du er logget ut av Oppvekst og Feide\./);
    assert.equal(provider.logouts.length, 1, 'the provider was asked to log out');
    assert.ok(provider.idTokens.has(provider.logouts[0].id_token_hint), 'with the ID token of the login');
    assert.equal(provider.logouts[0].post_logout_redirect_uri, base + '/logout/callback');
    assert.deepEqual(blocked, [], 'nothing was blocked by the CSP');
    await checkAccessibility(page);
    await page.screenshot({ path: join(shots, 'oidc-logged-out.png'), fullPage: true });

    // The next person at the computer is asked who they are.
    await page.getByRole('link', { name: 'Logg inn igjen' }).click();
    await page.getByRole('link', { name: 'Logg inn med Feide (ansatte)' }).click();
    await page.waitForURL('**/caseworker');
    assert.deepEqual([provider.interactive, provider.silent], [2, 0], 'logged in again by asking, not by the old single sign-on session');
  } finally {
    await context.close();
  }
});
