// The day the browser story runs on: today or the first day after it on
// which the demo's units are all open — a weekday that is no public
// holiday (helligdagsloven § 2, the 1st and 17th of May), not in the
// kindergartens' July closure, and not near a demo planning day (mid
// August, 10 October, 2 January, the Friday after Ascension). The app is
// started with -today set to it, so the story does not depend on the
// day CI happens to run (a Saturday closes every unit).

function easter(y) { // Gregorian computus (Meeus/Jones/Butcher)
  const a = y % 19, b = Math.floor(y / 100), c = y % 100, d = Math.floor(b / 4), e = b % 4;
  const f = Math.floor((b + 8) / 25), g = Math.floor((b - f + 1) / 3), h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4), k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7, m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31), day = ((h + l - 7 * m + 114) % 31) + 1;
  return Date.UTC(y, month - 1, day);
}

const iso = (t) => new Date(t).toISOString().slice(0, 10);
const dayMs = 86400000;

export function openDay(now = new Date()) {
  const osloToday = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Oslo' }).format(now); // YYYY-MM-DD
  for (let t = Date.parse(osloToday + 'T00:00:00Z'); ; t += dayMs) {
    const d = new Date(t), y = d.getUTCFullYear(), md = iso(t).slice(5);
    const e = easter(y), fromEaster = Math.round((t - e) / dayMs);
    const weekend = d.getUTCDay() === 0 || d.getUTCDay() === 6;
    const fixed = ['01-01', '05-01', '05-17', '12-25', '12-26'].includes(md);
    const moving = [-3, -2, 0, 1, 39, 40, 49, 50].includes(fromEaster);
    const closure = d.getUTCMonth() === 6;
    const planning = ['08-1', '10-0', '10-1', '01-0'].some(p => md.startsWith(p));
    if (!weekend && !fixed && !moving && !closure && !planning) return iso(t);
  }
}
