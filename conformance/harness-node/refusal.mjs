// A refused input (SPEC.md § 2): code invalid-input or unknown-rules, the
// field as a JSON path, and a message for people.
export class Refusal extends Error {
  constructor(code, field, message) {
    super(message);
    this.code = code;
    this.field = field;
  }
}

export const invalid = (field, message) => new Refusal('invalid-input', field, message);

// checkObject refuses an input that is not an object (D5) or that has a
// field not in allowed (§ 2: strict inputs).
export function checkObject(input, allowed) {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw invalid('input', 'must be an object');
  }
  for (const key of Object.keys(input)) {
    if (!allowed.includes(key)) throw invalid(key, 'unknown field');
  }
}

// optionalString returns a field that must be a string when present;
// null counts as absent (D1).
export function optionalString(input, field) {
  const v = input[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalid(field, 'must be a string');
  return v;
}
