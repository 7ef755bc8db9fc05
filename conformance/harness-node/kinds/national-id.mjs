// Kind national-id (SPEC.md § 3.1 and decisions N1–N4): Norwegian
// fødselsnummer, D-number and H-number, with Skatteetaten's synthetic
// numbers (month + 80).
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

// The check-digit rules a number may satisfy, tried in order; a number is
// well-formed when one of them accepts it. Each is a function of the 11
// digits. A later rule (Skatteetaten's numbers from 2032) is added here.
export const checkDigitRules = [
  function classic(d) {
    return mod11(d, [3, 7, 6, 1, 8, 9, 4, 5, 2]) === d[9] && mod11(d, [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]) === d[10];
  },
];

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

// decode returns the answer for one value.
export function decode(value) {
  const INVALID = { valid: false };
  if (!/^[0-9]{11}$/.test(value)) return INVALID;
  const d = [...value].map(Number);
  if (!checkDigitRules.some((rule) => rule(d))) return INVALID;
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
  const c = century(individual, yy);
  if (c === null) return INVALID;
  const year = c + yy;
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return INVALID;
  return { valid: true, type, birthDate: `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`, synthetic };
}

export function evaluate(input) {
  checkObject(input, ['value']);
  const value = optionalString(input, 'value');
  if (value === undefined) throw invalid('value', 'is required');
  return decode(value);
}
