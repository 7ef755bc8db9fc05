// The directory's steps of the browser story (see app.test.mjs): the
// municipal administrator creates a unit and a group from the pages (a
// wrong postcode first, shown at its field), the caseworker registers a
// child, a guardian and a place by hand (saved with Enter), and the unit's pages and forms
// fit a 375 px wide phone without scrolling sideways. Every name carries
// the language, so the en pass makes records of its own.
const words = {
  nb: { units: 'Enheter', newUnit: 'Ny enhet', postcode: 'må være fire siffer', newGroup: 'Ny gruppe', register: 'Registrer et barn', addGuardian: 'Legg til en foresatt', place: 'Gi barnet en plass', kindergarten: 'barnehage', places: 'Plasser' },
  nn: { units: 'Einingar', newUnit: 'Ny eining', postcode: 'må vere fire siffer', newGroup: 'Ny gruppe', register: 'Registrer eit barn', addGuardian: 'Legg til ein føresett', place: 'Gi barnet ein plass', kindergarten: 'barnehage', places: 'Plassar' },
  en: { units: 'Units', newUnit: 'New unit', postcode: 'must be four digits', newGroup: 'New group', register: 'Register a child', addGuardian: 'Add a guardian', place: 'Give the child a place', kindergarten: 'kindergarten', places: 'Places' },
};

async function submit(page) {
  await page.locator('main form button[type=submit]').last().click();
  await page.waitForLoadState('load');
}

export default function steps(h) {
  return [
    {
      name: 'admin-new-unit-refused',
      run: async (page, t, lang) => {
        const w = words[lang];
        await h.loginAs(page, 'admin');
        await page.getByRole('link', { name: w.units, exact: true }).click();
        await page.waitForLoadState('load');
        await h.expectHeading(page, w.units);
        await page.getByRole('link', { name: w.newUnit }).click();
        await page.waitForLoadState('load');
        await page.fill('#f-name', `Testhagen barnehage ${lang}`);
        await page.fill('#f-address-street', 'Prøveveien 3');
        await page.fill('#f-address-postcode', '99');
        await page.fill('#f-address-postTown', 'DEMOBY');
        await page.fill('#f-openingHours-opens', '07:00');
        await page.fill('#f-openingHours-closes', '16:30');
        await page.fill('#f-seats-small', '9');
        await page.fill('#f-seats-large', '18');
        await submit(page);
        const err = await page.locator('#f-address-postcode-error').innerText();
        if (!err.includes(w.postcode)) throw new Error(`the postcode error says "${err}"`);
        if (await page.inputValue('#f-address-street') !== 'Prøveveien 3') throw new Error('what was typed is kept');
      },
    },
    {
      name: 'admin-new-unit',
      run: async (page, t, lang) => {
        const w = words[lang];
        await page.fill('#f-address-postcode', '9905');
        await submit(page);
        await h.expectHeading(page, `Testhagen barnehage ${lang}`);
        await h.expectText(page, '9905 DEMOBY');
        await h.expectText(page, '07:00–16:30');
        await page.getByRole('link', { name: w.newGroup, exact: true }).click();
        await page.waitForLoadState('load');
        await page.fill('#f-name', 'Humla');
        await page.selectOption('#f-ageGroup', 'small');
        await submit(page);
        await h.expectHeading(page, `Testhagen barnehage ${lang}`);
        await h.expectText(page, 'Humla');
      },
    },
    {
      name: 'unit-page-375px',
      run: async (page, t, lang) => {
        await page.setViewportSize({ width: 375, height: 800 });
        try {
          for (const path of [page.url(), page.url().replace('/units/', '/admin/units/') + '/edit']) {
            await page.goto(path);
            const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
            if (wide) throw new Error(`${path} scrolls sideways at 375 px`);
          }
        } finally {
          await page.setViewportSize({ width: 1100, height: 900 });
        }
      },
    },
    {
      name: 'caseworker-register-child',
      run: async (page, t, lang) => {
        const w = words[lang];
        await h.loginAs(page, 'caseworker');
        await page.getByRole('link', { name: w.register }).click();
        await page.waitForLoadState('load');
        await page.fill('#f-givenName', `Hanna ${lang}`);
        await page.fill('#f-familyName', 'Skjemasen');
        await page.fill('#f-birthDate', '2022-06-15');
        await submit(page);
        await h.expectHeading(page, `Hanna ${lang} Skjemasen`);
      },
    },
    {
      name: 'caseworker-add-guardian',
      run: async (page, t, lang) => {
        const w = words[lang];
        await page.getByRole('link', { name: w.addGuardian }).click();
        await page.waitForLoadState('load');
        await page.fill('#f-givenName', 'Kari');
        await page.fill('#f-familyName', 'Skjemasen');
        await page.fill('#f-phone', '+47 912 34 567');
        await submit(page);
        await h.expectHeading(page, `Hanna ${lang} Skjemasen`);
        await h.expectText(page, 'Kari Skjemasen');
      },
    },
    {
      name: 'caseworker-place-child',
      run: async (page, t, lang) => {
        const w = words[lang];
        await page.getByRole('link', { name: w.place }).click();
        await page.waitForLoadState('load');
        await page.selectOption('#f-unitId', { label: `Testhagen barnehage ${lang} (${w.kindergarten})` });
        await page.fill('#f-hoursPerWeek', '41');
        await page.fill('#f-start', '2026-08-01');
        // Enter in a field saves, as in every form, though the form's
        // first visible button is the one that shows the unit's groups.
        await page.press('#f-start', 'Enter');
        await page.waitForLoadState('load');
        await h.expectHeading(page, `Hanna ${lang} Skjemasen`);
        await h.expectText(page, `Testhagen barnehage ${lang}`);
      },
    },
  ];
}
