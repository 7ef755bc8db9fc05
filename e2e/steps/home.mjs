// The guardian's start page and the school absence page in the browser
// story (see app.test.mjs): Hilde Berg's cards (today's state, no full
// national ID anywhere), and Kari Lærer choosing a pupil on the school
// absence page and recording an hour of documented absence.

const text = {
  nb: { waiting: 'Dette venter på deg', today: 'I dag', school: 'Skolefravær', choose: 'Vis', record: 'Før fraværet', recorded: 'er ført.', some: 'enkelttimer:' },
  en: { waiting: 'Waiting for you', today: 'Today', school: 'School absence', choose: 'Show', record: 'Record the absence', recorded: 'is recorded.', some: 'some lessons:' },
};

export default function steps(h) {
  return [
    {
      name: 'guardian-home',
      run: async (p, t, lang) => {
        const x = text[lang];
        await h.loginAs(p, 'guardian');
        await h.expectText(p, x.waiting);
        await h.expectText(p, x.today);
        await h.expectText(p, 'Sofie Berg');
        const body = (await p.locator('main').innerText()).replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, '');
        if (/\b\d{11}\b/.test(body)) throw new Error('a full national ID on the start page');
      },
    },
    {
      name: 'school-absence',
      run: async (p, t, lang) => {
        const x = text[lang];
        await h.loginAs(p, 'staff-nordby');
        await p.getByRole('link', { name: x.school, exact: true }).click();
        await p.waitForLoadState('load');
        await h.expectHeading(p, x.school);
        await p.locator('#child').selectOption({ label: 'Sofie Berg (3A)' });
        await p.getByRole('button', { name: x.choose, exact: true }).click();
        await p.waitForLoadState('load');
        await p.getByLabel(x.some).check();
        await p.locator('#hours').fill('1');
        await p.getByRole('button', { name: x.record }).click();
        await p.waitForLoadState('load');
        await h.expectText(p, x.recorded);
      },
    },
  ];
}
