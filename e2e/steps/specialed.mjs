// The special-education steps of the browser story (see app.test.mjs):
// Kari Lærer records a concern about Sofie → her mother gives consent →
// Kari refers the case to PPT → Pia Psykolog (PPT) records the expert
// assessment with its recommendation → Siri Saksbehandler decides, first
// without reasons for giving fewer assistant hours than PPT recommended
// (refused, the typed values kept), then with them → the mother reads the
// decision letter (page and PDF) → Kari writes the plan and the first
// report; the § 47 parent, staff of another unit and a caseworker of
// another municipality get 404 for the case. Each language opens a case
// of its own (a child may have several), so the steps run three times.

import assert from 'node:assert/strict';

const text = {
  nb: {
    menu: 'Spesialpedagogikk', heading: 'Spesialpedagogiske saker', newLink: 'Meld bekymring for et barn', newHeading: 'Meld bekymring',
    caseHeading: 'Spesialpedagogisk sak', concern: 'Sofie bytter om bokstaver og strever med å lese enkle ord.',
    waitsOnYou: 'kommunen trenger samtykket ditt', saved: 'Lagret.', referral: 'Henvist for sakkyndig vurdering av lesing og skriving.',
    assessment: 'Sofie har behov for individuelt tilrettelagt opplæring i lesing.', organisation: 'I liten gruppe og i klassen',
    refused: 'vedtaket avviker fra PPTs tilråding', reasons: 'Skolen har en lærer med spesialpedagogisk kompetanse i klassen to timer i uken.',
    letterLink: 'Les vedtaksbrevet', letterHeading: 'Vedtaksbrev', plan: 'IOP: lese enkle tekster innen jul.', report: 'Første rapport: god framgang i lesing.',
  },
  nn: {
    menu: 'Spesialpedagogikk', heading: 'Spesialpedagogiske saker', newLink: 'Meld uro for eit barn', newHeading: 'Meld uro',
    caseHeading: 'Spesialpedagogisk sak', concern: 'Sofie byter om bokstavar og strevar med å lese enkle ord.',
    waitsOnYou: 'kommunen treng samtykket ditt', saved: 'Lagra.', referral: 'Tilvist for sakkunnig vurdering av lesing og skriving.',
    assessment: 'Sofie har behov for individuelt tilrettelagd opplæring i lesing.', organisation: 'I lita gruppe og i klassen',
    refused: 'vedtaket avvik frå tilrådinga frå PPT', reasons: 'Skulen har ein lærar med spesialpedagogisk kompetanse i klassen to timar i veka.',
    letterLink: 'Les vedtaksbrevet', letterHeading: 'Vedtaksbrev', plan: 'IOP: lese enkle tekstar innan jul.', report: 'Første rapport: god framgang i lesing.',
  },
  en: {
    menu: 'Special education', heading: 'Special-education cases', newLink: 'Record a concern about a child', newHeading: 'Record a concern',
    caseHeading: 'Special-education case', concern: 'Sofie mixes up letters and struggles to read simple words.',
    waitsOnYou: 'the municipality needs your consent', saved: 'Saved.', referral: 'Referred for an expert assessment of reading and writing.',
    assessment: 'Sofie needs individually adapted education in reading.', organisation: 'In a small group and in class',
    refused: "departs from PPT's recommendation", reasons: 'The school has a teacher with special-education training in the class two hours a week.',
    letterLink: 'Read the decision letter', letterHeading: 'Decision letter', plan: 'IEP: read simple texts by Christmas.', report: 'First report: good progress in reading.',
  },
};

export default function steps(h) {
  let casePath = '';
  const open = async (page, persona) => {
    await h.loginAs(page, persona);
    await page.goto(casePath);
    await page.waitForLoadState('load');
  };
  const submit = async (page, step) => {
    await page.locator(`section[aria-labelledby="form-${step}"] button[type=submit]`).click();
    await page.waitForLoadState('load');
  };
  return [
    {
      name: 'specialed-concern',
      run: async (page, t, lang) => {
        const m = text[lang];
        await h.loginAs(page, 'staff-nordby');
        await page.getByRole('navigation').getByRole('link', { name: m.menu, exact: true }).click();
        await page.waitForLoadState('load');
        await h.expectHeading(page, m.heading);
        await page.getByRole('link', { name: m.newLink }).click();
        await page.waitForLoadState('load');
        await h.expectHeading(page, m.newHeading);
        await page.selectOption('#child', { label: 'Sofie Berg (Nordby skole)' });
        await page.fill('#concern', m.concern);
        await page.locator('main form button[type=submit]').click();
        await page.waitForLoadState('load');
        await h.expectHeading(page, m.caseHeading);
        await h.expectText(page, m.concern);
        casePath = new URL(page.url()).pathname;
        assert.match(casePath, /^\/special-education\/cases\/[0-9a-f-]{36}$/);
      },
    },
    {
      name: 'specialed-guardian-consents',
      run: async (page, t, lang) => {
        const m = text[lang];
        await open(page, 'guardian');
        await h.expectText(page, m.waitsOnYou);
        await submit(page, 'consent');
        await h.expectText(page, m.saved);
      },
    },
    {
      name: 'specialed-staff-refers',
      run: async (page, t, lang) => {
        const m = text[lang];
        await open(page, 'staff-nordby');
        await page.selectOption('#referral-ppt', { label: 'PPT Demo kommune' });
        await page.fill('#referral-text', m.referral);
        await submit(page, 'referral');
        await h.expectText(page, m.saved);
      },
    },
    {
      name: 'specialed-ppt-assesses',
      run: async (page, t, lang) => {
        const m = text[lang];
        await h.loginAs(page, 'ppt');
        await page.getByRole('navigation').getByRole('link', { name: m.menu, exact: true }).click();
        await page.waitForLoadState('load');
        await h.expectText(page, 'Sofie Berg');
        await page.goto(casePath);
        await page.selectOption('#assessment-outcome', 'granted');
        await page.fill('#assessment-teacher', '5');
        await page.fill('#assessment-assistant', '3');
        await page.fill('#assessment-organisation', m.organisation);
        await page.fill('#assessment-from', '2026-08-17');
        await page.fill('#assessment-to', '2027-06-18');
        await page.fill('#assessment-text', m.assessment);
        await submit(page, 'assessment');
        await h.expectText(page, m.saved);
        await h.expectText(page, m.organisation);
      },
    },
    {
      name: 'specialed-decision-refused',
      run: async (page, t, lang) => {
        const m = text[lang];
        await h.loginAs(page, 'caseworker');
        await page.getByRole('navigation').getByRole('link', { name: m.menu, exact: true }).click();
        await page.waitForLoadState('load');
        await h.expectText(page, 'Sofie Berg');
        await page.goto(casePath);
        // The decision starts from PPT's recommendation; fewer assistant
        // hours without reasons is refused, what was typed kept.
        await page.fill('#decision-assistant', '2');
        await submit(page, 'decision');
        await h.expectText(page, m.refused);
        assert.equal(await page.inputValue('#decision-assistant'), '2');
        assert.equal(await page.getAttribute('#decision-reason', 'aria-invalid'), 'true');
      },
    },
    {
      name: 'specialed-decision',
      run: async (page, t, lang) => {
        const m = text[lang];
        await page.fill('#decision-reason', m.reasons);
        await submit(page, 'decision');
        await h.expectText(page, m.saved);
      },
    },
    {
      name: 'specialed-guardian-letter',
      run: async (page, t, lang) => {
        const m = text[lang];
        await open(page, 'guardian');
        await page.getByRole('link', { name: m.letterLink }).click();
        await page.waitForLoadState('load');
        await h.expectHeading(page, m.letterHeading);
        await h.expectText(page, m.reasons);
        await h.expectText(page, 'PPT Demo kommune');
        await h.savePDF(page, page.locator('a[href*="letter.pdf"]'), `specialed-letter-${lang}`);
      },
    },
    {
      name: 'specialed-plan-and-report',
      run: async (page, t, lang) => {
        const m = text[lang];
        await open(page, 'staff-nordby');
        await page.fill('#plan-text', m.plan);
        await submit(page, 'plan');
        await page.fill('#report-text', m.report);
        await submit(page, 'report');
        await h.expectText(page, m.saved);
        await h.expectText(page, m.report);
      },
    },
    {
      name: 'specialed-outsiders-see-nothing',
      run: async (page, t, lang) => {
        const m = text[lang];
        for (const persona of ['staff-bjorkelia', 'caseworker-neighbour', 'guardian-47']) {
          await h.loginAs(page, persona);
          const res = await page.goto(casePath);
          assert.equal(res.status(), 404, `${casePath} as ${persona}`);
          const body = await page.locator('body').innerText();
          assert.ok(!body.includes(m.concern), `${persona} reads nothing of the case`);
        }
      },
    },
  ];
}
