// The conformance harness of SPEC.md § 6, in plain Node.js without
// dependencies, for two kinds: national-id and kid. It shows that an
// implementation in another language can be checked by the runner:
//
//   node conformance/harness-node/server.mjs [--port N]
//   go run ./conformance/cmd/oppvekst-conformance -target http://127.0.0.1:N -kind kid,national-id
//
// It prints "listening on http://127.0.0.1:N" once it accepts requests
// (--port 0, the default, picks a free port).
import http from 'node:http';
import { parseStrict, JSONSyntaxError } from './strict-json.mjs';
import { Refusal, invalid } from './refusal.mjs';
import * as nationalId from './kinds/national-id.mjs';
import * as kid from './kinds/kid.mjs';

export const EVALUATE_PATH = '/conformance/v1/evaluate';
const MAX_BODY = 1 << 20;

// The kinds this harness implements; any other kind, including the other
// nine of the standard, is invalid-input naming "kind" (§ 6).
export const kinds = new Map([
  ['national-id', nationalId.evaluate],
  ['kid', kid.evaluate],
]);

function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

const refuse = (res, status, r) => {
  const error = { code: r.code };
  if (r.field) error.field = r.field;
  if (r.message) error.message = r.message;
  send(res, status, { error });
};

// evaluate answers one parsed request body or throws a Refusal.
export function evaluate(body) {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw invalid('input', 'the body must be an object');
  for (const key of Object.keys(body)) {
    if (key !== 'kind' && key !== 'input') throw invalid(key, 'unknown field');
  }
  if (typeof body.kind !== 'string' || !kinds.has(body.kind)) throw invalid('kind', 'unknown or missing kind');
  if (body.input === undefined || body.input === null) throw invalid('input', 'is required');
  return kinds.get(body.kind)(body.input);
}

export function handle(req, res) {
  const path = new URL(req.url, 'http://localhost').pathname;
  if (path !== EVALUATE_PATH) return send(res, 404, { error: { code: 'not-found' } });
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    return send(res, 405, { error: { code: 'method-not-allowed' } });
  }
  const chunks = [];
  let size = 0;
  let tooBig = false;
  req.on('data', (chunk) => {
    size += chunk.length;
    if (size > MAX_BODY) tooBig = true;
    else chunks.push(chunk);
  });
  req.on('end', () => {
    if (tooBig) return refuse(res, 413, invalid('input', `the body is larger than ${MAX_BODY} bytes`));
    try {
      let body;
      try {
        body = parseStrict(Buffer.concat(chunks).toString('utf8'));
      } catch (e) {
        if (e instanceof JSONSyntaxError) throw invalid(e.path || 'input', `is not valid JSON: ${e.message}`);
        throw e;
      }
      send(res, 200, evaluate(body));
    } catch (e) {
      if (e instanceof Refusal) return refuse(res, 422, e);
      send(res, 500, { error: { code: 'internal' } });
    }
  });
  req.on('error', () => send(res, 500, { error: { code: 'internal' } }));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const i = process.argv.indexOf('--port');
  const port = i > 0 ? Number(process.argv[i + 1]) : 0;
  const server = http.createServer(handle);
  server.listen(port, '127.0.0.1', () => {
    console.log(`listening on http://127.0.0.1:${server.address().port}`);
  });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close(() => process.exit(0)));
}
