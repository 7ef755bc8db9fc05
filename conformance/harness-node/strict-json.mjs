// A strict JSON reader (RFC 8259) for the harness: JSON.parse keeps the
// last of two equal keys, and SPEC.md (D2) refuses a key repeated in one
// object. Objects come back with a null prototype, so no key ("__proto__")
// is special.

export class JSONSyntaxError extends Error {
  constructor(message, path) {
    super(message);
    this.path = path;
  }
}

const MAX_DEPTH = 64;

export function parseStrict(text) {
  let pos = 0;
  const path = [];
  const where = () => path.reduce((p, s) => (typeof s === 'number' ? `${p}[${s}]` : p ? `${p}.${s}` : s), '');
  const fail = (msg) => {
    throw new JSONSyntaxError(msg, where());
  };
  const space = () => {
    while (pos < text.length && ' \t\n\r'.includes(text[pos])) pos++;
  };
  const string = () => {
    // text[pos] is the opening quote.
    let end = pos + 1;
    for (;;) {
      if (end >= text.length) fail('unterminated string');
      const c = text.charCodeAt(end);
      if (c === 0x22) break;
      if (c < 0x20) fail('control character in a string');
      if (c === 0x5c) {
        const e = text[end + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(end + 2, end + 6))) fail('bad \\u escape');
          end += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) fail('bad escape');
        end += 2;
        continue;
      }
      end++;
    }
    const s = JSON.parse(text.slice(pos, end + 1));
    pos = end + 1;
    return s;
  };
  const value = (depth) => {
    if (depth > MAX_DEPTH) fail('nested too deeply');
    space();
    const c = text[pos];
    if (c === '{') {
      pos++;
      const obj = Object.create(null);
      space();
      if (text[pos] === '}') {
        pos++;
        return obj;
      }
      for (;;) {
        space();
        if (text[pos] !== '"') fail('expected a key');
        const key = string();
        space();
        if (text[pos] !== ':') fail('expected a colon');
        pos++;
        path.push(key);
        if (Object.hasOwn(obj, key)) fail('repeated key');
        obj[key] = value(depth + 1);
        path.pop();
        space();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === '}') {
          pos++;
          return obj;
        }
        fail('expected , or }');
      }
    }
    if (c === '[') {
      pos++;
      const list = [];
      space();
      if (text[pos] === ']') {
        pos++;
        return list;
      }
      for (;;) {
        path.push(list.length);
        list.push(value(depth + 1));
        path.pop();
        space();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === ']') {
          pos++;
          return list;
        }
        fail('expected , or ]');
      }
    }
    if (c === '"') return string();
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(pos, pos + 400));
    if (m && m[0].length > 0) {
      pos += m[0].length;
      return Number(m[0]);
    }
    for (const [word, v] of [['true', true], ['false', false], ['null', null]]) {
      if (text.startsWith(word, pos)) {
        pos += word.length;
        return v;
      }
    }
    fail('not a JSON value');
  };
  const v = value(0);
  space();
  if (pos !== text.length) throw new JSONSyntaxError('data after the JSON value', '');
  return v;
}
