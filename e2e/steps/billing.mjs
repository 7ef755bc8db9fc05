// The billing steps of the browser story (see app.test.mjs).
export default function steps(h) {
  return [];
}
