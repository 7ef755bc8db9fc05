// Kind kid (SPEC.md § 3.2 and decisions K1, K2): making and checking a
// Norwegian payment reference (KID) by modulus 10 (Luhn) or modulus 11.
import { checkObject, invalid, optionalString } from '../refusal.mjs';

const MIN_LENGTH = 2; // the whole KID, check digit included
const MAX_LENGTH = 25;

// checkDigit returns the check character of the digits in base.
export function checkDigit(base, method) {
  const digits = [...base].map(Number).reverse(); // rightmost first
  if (method === 'mod10') {
    let sum = 0;
    digits.forEach((x, i) => {
      let v = i % 2 === 0 ? 2 * x : x;
      if (v > 9) v -= 9;
      sum += v;
    });
    return String((10 - (sum % 10)) % 10);
  }
  let sum = 0;
  digits.forEach((x, i) => {
    sum += x * (2 + (i % 6));
  });
  const k = 11 - (sum % 11);
  if (k === 11) return '0';
  if (k === 10) return '-';
  return String(k);
}

export function evaluate(input) {
  checkObject(input, ['base', 'validate', 'method']);
  const base = optionalString(input, 'base');
  const validate = optionalString(input, 'validate');
  const method = optionalString(input, 'method');
  if (method !== 'mod10' && method !== 'mod11') throw invalid('method', 'must be mod10 or mod11');
  if ((base === undefined) === (validate === undefined)) {
    throw invalid(base === undefined ? 'base' : 'validate', 'exactly one of base and validate');
  }
  if (base !== undefined) {
    if (!/^[0-9]*$/.test(base) || base.length + 1 < MIN_LENGTH || base.length + 1 > MAX_LENGTH) {
      throw invalid('base', `must be digits, the whole KID ${MIN_LENGTH}–${MAX_LENGTH} characters`);
    }
    return { kid: base + checkDigit(base, method) };
  }
  if (!/^[0-9]*[0-9-]$/.test(validate) || validate.length < MIN_LENGTH || validate.length > MAX_LENGTH) {
    throw invalid('validate', `must be ${MIN_LENGTH}–${MAX_LENGTH} digits, the last may be -`);
  }
  const body = validate.slice(0, -1);
  return { valid: checkDigit(body, method) === validate.slice(-1) };
}
