// Booked conversations in the browser story (see app.test.mjs; issue 21):
// Kari Lærer publishes conversation times for Sofie's class (3A at Nordby
// skole), Hilde Berg books one for Sofie and moves it to another time, and
// Anders Nygård, the other parent with parental responsibility (he lives
// apart from Sofie), finds the moved booking on his own page. The story
// runs once per language on one app, so each language publishes a round
// of its own (the title names the language) on its own day.

import { openDay } from './openday.mjs';

const text = {
  nb: { published: 'Legg ut samtaletider', page: 'Samtaler', booked: 'Bestilt samtale' },
  nn: { published: 'Legg ut samtaletider', page: 'Samtalar', booked: 'Bestilt samtale' },
  en: { published: 'Publish conversation times', page: 'Conversations', booked: 'Booked conversation' },
};

// day is a weekday some weeks after the story's day, a week apart per
// language (YYYY-MM-DD).
function day(lang) {
  const t = Date.parse(openDay() + 'T00:00:00Z') + (21 + 7 * ['nb', 'nn', 'en'].indexOf(lang)) * 86400000;
  const d = new Date(t);
  const shift = d.getUTCDay() === 6 ? 2 : d.getUTCDay() === 0 ? 1 : 0;
  return new Date(t + shift * 86400000).toISOString().slice(0, 10);
}

const title = (lang) => `Foreldresamtale 3A (${lang})`;

// The section of the guardian's page with the round's offer for Sofie.
const offer = (p, lang) => p.locator('section', { has: p.locator('h2', { hasText: `${title(lang)} – Sofie Berg` }) });

// What the story carries from one step to the next, per language.
const moved = {};

export default function steps(h) {
  return [
    {
      name: 'conversations-publish',
      run: async (p, t, lang) => {
        const x = text[lang];
        await h.loginAs(p, 'staff-nordby');
        await p.goto('/conversations/new');
        await h.expectHeading(p, x.published);
        await p.locator('#group').selectOption({ label: '3A (Nordby skole)' });
        await p.locator('#title').fill(title(lang));
        await p.locator('#place').fill('Klasserom 3A');
        await p.locator('#minutes').fill('20');
        await p.locator('#days').fill(day(lang));
        await p.locator('#from').fill('08:00');
        await p.locator('#to').fill('09:00');
        await p.locator('form[action="/conversations/new"] button[type=submit]').click();
        await p.waitForLoadState('load');
        if (!p.url().includes('/conversations/day?date=' + day(lang))) throw new Error(`publishing landed on ${p.url()}`);
        await h.expectText(p, title(lang));
      },
    },
    {
      name: 'conversations-book',
      run: async (p, t, lang) => {
        const x = text[lang];
        await h.loginAs(p, 'guardian');
        await p.goto('/conversations');
        await h.expectHeading(p, x.page);
        const o = offer(p, lang);
        await o.locator('input[type=radio][name=slot]').first().check();
        await o.locator('form[action="/conversations/book"] button[type=submit]').click();
        await p.waitForLoadState('load');
        if (!p.url().endsWith('/conversations?booked=1')) throw new Error(`booking landed on ${p.url()}`);
        const booked = await offer(p, lang).locator('p', { hasText: x.booked }).innerText();
        if (!booked.includes('08')) throw new Error(`the booking reads "${booked}"`);
      },
    },
    {
      name: 'conversations-move',
      run: async (p, t, lang) => {
        const x = text[lang];
        const o = offer(p, lang);
        const select = o.locator('select[name=slot]');
        const options = select.locator('option');
        const label = (await options.nth(1).innerText()).trim();
        await select.selectOption({ index: 1 });
        await o.locator('form[action$="/move"] button[type=submit]').click();
        await p.waitForLoadState('load');
        if (!p.url().endsWith('/conversations?moved=1')) throw new Error(`moving landed on ${p.url()}`);
        const booked = await offer(p, lang).locator('p', { hasText: x.booked }).innerText();
        if (!booked.includes(label)) throw new Error(`after the move the booking reads "${booked}", not "${label}"`);
        moved[lang] = label;
      },
    },
    {
      name: 'conversations-other-parent',
      run: async (p, t, lang) => {
        const x = text[lang];
        await h.loginAs(p, 'guardian-2');
        await p.goto('/conversations');
        await h.expectHeading(p, x.page);
        const booked = await offer(p, lang).locator('p', { hasText: x.booked }).innerText();
        if (!moved[lang] || !booked.includes(moved[lang])) throw new Error(`Anders Nygård reads "${booked}", not the moved time "${moved[lang]}"`);
      },
    },
  ];
}
