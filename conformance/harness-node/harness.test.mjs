// node --test conformance/harness-node: the parts of SPEC.md § 6 that the
// vectors do not reach (methods, sizes, repeated keys, other kinds).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { handle, EVALUATE_PATH } from './server.mjs';
import { parseStrict } from './strict-json.mjs';
import { decode } from './kinds/national-id.mjs';
import { checkDigit } from './kinds/kid.mjs';

async function withServer(fn) {
  const server = http.createServer(handle);
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  try {
    await fn(`http://127.0.0.1:${server.address().port}${EVALUATE_PATH}`);
  } finally {
    server.close();
  }
}

const post = (url, body) => fetch(url, { method: 'POST', body, headers: { 'Content-Type': 'application/json' } });

test('answers and refusals over HTTP', async () => {
  await withServer(async (url) => {
    let r = await post(url, '{"kind":"kid","input":{"base":"1234567","method":"mod10"}}');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/json');
    assert.deepEqual(await r.json(), { kid: '12345674' });

    r = await post(url, '{"kind":"allocation","input":{}}');
    assert.equal(r.status, 422);
    assert.deepEqual((await r.json()).error.field, 'kind');

    r = await post(url, '{"kind":"kid","input":{"base":"1","method":"mod10","base":"2"}}');
    assert.equal(r.status, 422);
    assert.equal((await r.json()).error.code, 'invalid-input');

    r = await post(url, '{"kind":"kid","input":{},"extra":1}');
    assert.equal((await r.json()).error.field, 'extra');

    r = await post(url, 'not json');
    assert.equal(r.status, 422);

    r = await post(url, JSON.stringify({ kind: 'kid', input: { base: '1'.repeat(2 << 20) } }));
    assert.equal(r.status, 413);
    assert.equal((await r.json()).error.code, 'invalid-input');

    r = await fetch(url);
    assert.equal(r.status, 405);
  });
});

test('strict JSON', () => {
  assert.throws(() => parseStrict('{"a":1,"a":2}'));
  assert.throws(() => parseStrict('{"a":1} x'));
  assert.throws(() => parseStrict('[01]'));
  assert.equal(Object.getPrototypeOf(parseStrict('{"__proto__":1}')), null);
  assert.deepEqual(parseStrict(' {"a":["\\u00e6",1.5e3,true,null]} '), Object.assign(Object.create(null), { a: ['æ', 1500, true, null] }));
});

test('national-id and kid by hand', () => {
  const fnr1965 = { valid: true, type: 'fnr', synthetic: false, rule: '1964', birthMonthDay: '--07-15', birthYearDigits: '65' };
  assert.deepEqual(decode('15076500565'), { ...fnr1965, birthDate: '1965-07-15' });
  assert.deepEqual(decode('15076500566'), { valid: false });
  // 15076500573: k1 7 leaves remainder 1 (148 + 7 = 155), k2 3: only the
  // 2032 computation accepts it, and then no century is known.
  assert.deepEqual(decode('15076500573'), { valid: false });
  assert.deepEqual(decode('15076500573', '2032'), { ...fnr1965, rule: '2032' });
  // 01015060057: individual 600 with year 50 is outside the 1964 century table.
  assert.deepEqual(decode('01015060057'), { valid: false });
  assert.deepEqual(decode('01015060057', '2032'), { valid: true, type: 'fnr', synthetic: false, rule: '1964', birthMonthDay: '--01-01', birthYearDigits: '50' });
  assert.equal(checkDigit('0123456789', 'mod11'), '2');
});
