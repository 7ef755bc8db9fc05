// Kind national-id (SPEC.md § 3.1 and decisions N1–N9): Norwegian
// fødselsnummer, D-number and H-number, with Skatteetaten's synthetic
// numbers (month + 80); by the 1964 computation (the default reading) or,
// with "reading": "2032", by the 1964 and the 2032 computations side by
// side.
import { checkObject, invalid, optionalString } from '../refusal.mjs';

// mod11 returns the modulus-11 check digit of digits under weights, or
// null when the remainder gives 10 (N4: the number is then invalid).
function mod11(digits, weights) {
  let sum = 0;
  for (let i = 0; i < weights.length; i++) sum += weights[i] * digits[i];
  const k = 11 - (sum % 11);
  if (k === 11) return 0;
  if (k === 10) return null;
  return k;
}

// firstRemainder is (s + d10) mod 11 for the first check digit's weights:
// 0 is the 1964 computation's k1; 1, 2 or 3 only the 2032 computation's.
function firstRemainder(d) {
  const w = [3, 7, 6, 1, 8, 9, 4, 5, 2];
  let sum = d[9];
  for (let i = 0; i < w.length; i++) sum += w[i] * d[i];
  return sum % 11;
}

// The first check-digit rules by reading, each a set of accepted
// remainders; the second check digit is the same for both.
export const checkDigitRules = {
  1964: [0],
  2032: [0, 1, 2, 3],
};

function century(individual, yy) {
  if (individual <= 499) return 1900;
  if (individual <= 749 && yy >= 54) return 1800;
  if (individual >= 500 && yy <= 39) return 2000;
  if (individual >= 900 && yy >= 40) return 1900;
  return null;
}

function daysIn(year, month) {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

const pad = (n, w) => String(n).padStart(w, '0');

// decode returns the answer for one value by the given reading.
export function decode(value, reading = '1964') {
  const INVALID = { valid: false };
  if (!/^[0-9]{11}$/.test(value)) return INVALID;
  const d = [...value].map(Number);
  const r = firstRemainder(d);
  if (!checkDigitRules[reading].includes(r)) return INVALID;
  if (mod11(d, [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]) !== d[10]) return INVALID;
  let day = d[0] * 10 + d[1];
  let month = d[2] * 10 + d[3];
  const yy = d[4] * 10 + d[5];
  const individual = d[6] * 100 + d[7] * 10 + d[8];
  let synthetic = false;
  if (month >= 81 && month <= 92) {
    synthetic = true;
    month -= 80;
  }
  const isD = day >= 41 && day <= 71;
  const isH = month >= 41 && month <= 52;
  if (isD && isH) return INVALID;
  let type = 'fnr';
  if (isD) {
    type = 'dnr';
    day -= 40;
  } else if (isH) {
    type = 'hnr';
    month -= 40;
  }
  if (month < 1 || month > 12 || day < 1) return INVALID;
  const answer = {
    valid: true, type, synthetic, rule: r === 0 ? '1964' : '2032',
    birthMonthDay: `--${pad(month, 2)}-${pad(day, 2)}`, birthYearDigits: pad(yy, 2),
  };
  const c = r === 0 ? century(individual, yy) : null;
  if (c !== null && day <= daysIn(c + yy, month)) {
    return { ...answer, birthDate: `${pad(c + yy, 4)}-${pad(month, 2)}-${pad(day, 2)}` };
  }
  // The 1964 reading needs a century in which the date exists (STANDARD.md).
  if (reading === '1964') return INVALID;
  // Century unknown (N5-N7): the date must exist in some year ending in yy,
  // that is in 2000 + yy (2000 was a leap year).
  if (day > daysIn(2000 + yy, month)) return INVALID;
  return answer;
}

export function evaluate(input) {
  checkObject(input, ['value', 'reading']);
  const value = optionalString(input, 'value');
  if (value === undefined) throw invalid('value', 'is required');
  const reading = optionalString(input, 'reading') ?? '1964';
  if (reading !== '1964' && reading !== '2032') throw invalid('reading', 'must be "1964" or "2032"');
  return decode(value, reading);
}
