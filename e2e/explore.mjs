import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { freePort, startProvider } from './steps/idp.mjs';
const [appPort, fPort, iPort] = [await freePort(), await freePort(), await freePort()];
const base = `http://127.0.0.1:${appPort}`;
const feide = await startProvider({ port: fPort, appBase: base, clientId: 'oppvekst', kind: 'feide', user: { principal: 'kari@x.kommune.no', name: 'Kari Admin' } });
const idp = await startProvider({ port: iPort, appBase: base, clientId: 'oppvekst', kind: 'idporten', user: { pid: '01010112345' } });
const dir = mkdtempSync(join(tmpdir(), 'expl-'));
const app = spawn('/tmp/oppvekst-e2e', ['-data', dir, '-addr', `127.0.0.1:${appPort}`, '-demo=false', '-seed=false'], { env: { ...process.env, OPPVEKST_PUBLIC_URL: base, OPPVEKST_MUNICIPALITIES: '4601',
  OPPVEKST_FEIDE_ISSUER: feide.issuer, OPPVEKST_FEIDE_CLIENT_ID: 'oppvekst', OPPVEKST_FEIDE_CLIENT_SECRET: 's',
  OPPVEKST_IDPORTEN_ISSUER: idp.issuer, OPPVEKST_IDPORTEN_CLIENT_ID: 'oppvekst', OPPVEKST_IDPORTEN_CLIENT_SECRET: 's',
  OPPVEKST_BOOTSTRAP_ADMIN: '4601,kari@x.kommune.no,Kari Admin' }, stdio: ['ignore', 'inherit', 'inherit'] });
for (let i = 0; ; i++) { try { if ((await fetch(base + '/readyz')).ok) break; } catch {} await new Promise(r => setTimeout(r, 100)); }
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await (await browser.newContext({ baseURL: base })).newPage();
const dump = async (path) => {
  await page.goto(path);
  const info = await page.evaluate(() => [...document.querySelectorAll('form')].map(f => `FORM ${f.method} ${f.getAttribute('action')}: ` + [...f.elements].map(e => `${e.tagName.toLowerCase()}[${e.type}] ${e.name}${e.tagName === 'SELECT' ? '{' + [...e.options].map(o => o.value + '=' + o.text).join('|') + '}' : e.type === 'checkbox' || e.type === 'radio' ? '=' + e.value : ''}`).join(', ')).join('\n'));
  console.log('#### ' + path + ' → ' + page.url() + '\n' + (await page.locator('h1').first().innerText().catch(() => '')) + '\n' + info);
};
await page.goto('/login/feide');
for (const p of process.argv.slice(2)) await dump(p);
await browser.close(); app.kill(); feide.server.close(); idp.server.close();
