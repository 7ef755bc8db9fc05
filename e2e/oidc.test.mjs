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
import { createServer as createTCPServer } from 'node:net';
import { createServer } from 'node:http';
import { generateKeyPairSync, sign, randomBytes, createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..');
const shots = join(here, 'screenshots');
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const clientId = 'oppvekst-e2e';
const principal = 'kari@nordby.example';

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createTCPServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

const b64url = (b) => Buffer.from(b).toString('base64url');
const token = () => randomBytes(24).toString('base64url');

// startProvider is the OpenID provider: discovery, authorize, token,
// userinfo, jwks and end_session, as far as the app uses them.
async function startProvider(port, appBase) {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'k1', use: 'sig', alg: 'RS256' };
  const issuer = `http://127.0.0.1:${port}`;
  const p = { issuer, interactive: 0, silent: 0, logouts: [], codes: new Map(), access: new Map(), idTokens: new Set(), sso: new Set() };
  const cookieOf = (req, name) => (req.headers.cookie || '').split(/;\s*/).map(c => c.split('=')).find(([k]) => k === name)?.[1];
  const json = (res, v) => { res.writeHead(200, { 'Content-Type': 'application/json' }); res.end(JSON.stringify(v)); };
  const body = (req) => new Promise(r => { let s = ''; req.on('data', d => { s += d; }); req.on('end', () => r(new URLSearchParams(s))); });
  p.server = createServer(async (req, res) => {
    const u = new URL(req.url, issuer);
    if (u.pathname === '/.well-known/openid-configuration') {
      return json(res, { issuer, authorization_endpoint: issuer + '/authorize', token_endpoint: issuer + '/token', jwks_uri: issuer + '/jwks',
        userinfo_endpoint: issuer + '/userinfo', end_session_endpoint: issuer + '/logout' });
    }
    if (u.pathname === '/jwks') return json(res, { keys: [jwk] });
    if (u.pathname === '/authorize') {
      const q = u.searchParams;
      if (q.get('client_id') !== clientId || q.get('code_challenge_method') !== 'S256') { res.writeHead(400); return res.end('bad request'); }
      const headers = {};
      const sso = cookieOf(req, 'idp_sso');
      if (sso && p.sso.has(sso)) {
        p.silent++;
      } else {
        p.interactive++; // the person logs in (here: at once)
        const id = token();
        p.sso.add(id);
        headers['Set-Cookie'] = `idp_sso=${id}; Path=/; HttpOnly`;
      }
      const code = token();
      p.codes.set(code, { challenge: q.get('code_challenge'), nonce: q.get('nonce'), redirect: q.get('redirect_uri') });
      headers.Location = `${q.get('redirect_uri')}?code=${code}&state=${encodeURIComponent(q.get('state'))}`;
      res.writeHead(302, headers);
      return res.end();
    }
    if (u.pathname === '/token' && req.method === 'POST') {
      const f = await body(req);
      const c = p.codes.get(f.get('code'));
      p.codes.delete(f.get('code'));
      const challenge = createHash('sha256').update(f.get('code_verifier') || '').digest('base64url');
      if (!c || c.challenge !== challenge || c.redirect !== f.get('redirect_uri') || f.get('client_id') !== clientId) {
        res.writeHead(400, { 'Content-Type': 'application/json' });
        return res.end('{"error":"invalid_grant"}');
      }
      const now = Math.floor(Date.now() / 1000);
      // Feide's ID token holds the minimum; the Feide name is in userinfo.
      const claims = { iss: issuer, sub: 'feide-subject-1', aud: clientId, iat: now, nbf: now, exp: now + 120, nonce: c.nonce };
      const input = b64url(JSON.stringify({ alg: 'RS256', kid: 'k1', typ: 'JWT' })) + '.' + b64url(JSON.stringify(claims));
      const idToken = input + '.' + b64url(sign('RSA-SHA256', Buffer.from(input), privateKey));
      p.idTokens.add(idToken);
      const access = token();
      p.access.set(access, claims.sub);
      return json(res, { id_token: idToken, access_token: access, token_type: 'Bearer' });
    }
    if (u.pathname === '/userinfo') {
      const sub = p.access.get((req.headers.authorization || '').replace(/^Bearer /, ''));
      if (!sub) { res.writeHead(401); return res.end(); }
      return json(res, { sub, 'https://n.feide.no/claims/eduPersonPrincipalName': principal, name: 'Kari Saksbehandler', email_verified: false });
    }
    if (u.pathname === '/logout') {
      const q = u.searchParams;
      p.logouts.push(Object.fromEntries(q));
      if (!p.idTokens.has(q.get('id_token_hint')) || q.get('post_logout_redirect_uri') !== appBase + '/logout/callback') {
        res.writeHead(400); return res.end('unknown id_token_hint or post_logout_redirect_uri');
      }
      p.sso.delete(cookieOf(req, 'idp_sso'));
      res.writeHead(302, { 'Set-Cookie': 'idp_sso=; Path=/; Max-Age=0', Location: `${q.get('post_logout_redirect_uri')}?state=${encodeURIComponent(q.get('state'))}` });
      return res.end();
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise(r => p.server.listen(port, '127.0.0.1', r));
  return p;
}

let app, browser, base, dataDir, provider;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'oppvekst-e2e-oidc-'));
  const bin = join(dataDir, 'oppvekst');
  execFileSync('go', ['build', '-o', bin, './reference-app'], { cwd: repo, stdio: 'inherit' });
  const [port, idpPort] = [await freePort(), await freePort()];
  base = `http://127.0.0.1:${port}`;
  provider = await startProvider(idpPort, base);
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
