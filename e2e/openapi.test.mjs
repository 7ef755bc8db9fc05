// The OpenAPI document as the running app serves it (/openapi.json),
// checked by the tools an integrator will point at it: swagger-parser
// validates it against the OpenAPI 3.1 schema, Redocly and Spectral lint it
// with their recommended rules. Runs offline, in a few seconds.
//
// Run: npm ci && node --test openapi.test.mjs

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import SwaggerParser from '@apidevtools/swagger-parser';
import { lintFromString, createConfig } from '@redocly/openapi-core';
import spectralCore from '@stoplight/spectral-core';
import spectralParsers from '@stoplight/spectral-parsers';
import { oas } from '@stoplight/spectral-rulesets';

const { Spectral, Document } = spectralCore;
const repo = join(dirname(fileURLToPath(import.meta.url)), '..');

// Findings accepted on purpose, by rule and place. Health, readiness and
// the document itself answer no 4xx at all; inventing one to please
// operation-4xx-response would make the document lie.
const accepted = new Set([
  'operation-4xx-response #/paths/~1healthz/get/responses',
  'operation-4xx-response #/paths/~1readyz/get/responses',
  'operation-4xx-response #/paths/~1openapi.json/get/responses',
]);

let app, dataDir, source;

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'oppvekst-openapi-'));
  const bin = join(dataDir, 'oppvekst');
  execFileSync('go', ['build', '-o', bin, './reference-app'], { cwd: repo, stdio: 'inherit' });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  app = spawn(bin, ['-data', join(dataDir, 'data'), '-addr', `127.0.0.1:${port}`], { cwd: repo, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  app.stdout.on('data', d => { out += d; });
  for (let i = 0; ; i++) {
    try { if ((await fetch(base + '/readyz')).ok) break; } catch { /* not yet */ }
    if (i > 300 || app.exitCode !== null) throw new Error('the app did not start:\n' + out);
    await new Promise(r => setTimeout(r, 100));
  }
  const resp = await fetch(base + '/openapi.json');
  assert.equal(resp.status, 200);
  assert.match(resp.headers.get('content-type'), /^application\/json/);
  source = await resp.text();
});

after(async () => {
  if (app && app.exitCode === null) {
    const exited = new Promise(r => app.once('exit', r));
    app.kill('SIGTERM');
    await exited;
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test('swagger-parser validates the served document', async () => {
  const api = await SwaggerParser.validate(JSON.parse(source));
  assert.equal(api.openapi, '3.1.0');
});

test('Redocly (recommended) finds nothing', async () => {
  const config = await createConfig({ extends: ['recommended'] });
  const problems = await lintFromString({ source, absoluteRef: 'openapi.json', config });
  const found = problems
    .map(p => `${p.ruleId} ${p.location?.[0]?.pointer ?? ''}`.trim() + (accepted.has(`${p.ruleId} ${p.location?.[0]?.pointer}`) ? '' : ` (${p.severity}: ${p.message})`))
    .filter(p => !accepted.has(p));
  assert.deepEqual(found, []);
});

test('Spectral (spectral:oas recommended) finds nothing', async () => {
  const spectral = new Spectral();
  spectral.setRuleset({ extends: [[oas, 'recommended']] });
  const results = await spectral.run(new Document(source, spectralParsers.Json, 'openapi.json'));
  assert.deepEqual(results.map(r => `${r.code} ${r.path.join('.')}: ${r.message}`), []);
});
