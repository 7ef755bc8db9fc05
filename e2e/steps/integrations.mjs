// The administrator's integration steps of the browser story (see
// app.test.mjs): Arne Administrator opens Integrations from the menu,
// switches the contact register (KRR) on with an address that is not
// https — refused at the field, what he typed kept — then with a right
// one, saved; then he opens Operations, where deliveries are counted by
// channel and state with nothing personal on the page.

import assert from 'node:assert/strict';

const text = {
  nb: { menu: 'Integrasjoner', heading: 'Integrasjoner', problems: 'Noe må rettes før innstillingene kan lagres', saved: 'Innstillingene er lagret.', ops: 'Drift', opsHeading: 'Drift: utsendinger og kvitteringer' },
  nn: { menu: 'Integrasjonar', heading: 'Integrasjonar', problems: 'Noko må rettast før innstillingane kan lagrast', saved: 'Innstillingane er lagra.', ops: 'Drift', opsHeading: 'Drift: utsendingar og kvitteringar' },
  en: { menu: 'Integrations', heading: 'Integrations', problems: 'Something must be corrected before the settings can be saved', saved: 'The settings are saved.', ops: 'Operations', opsHeading: 'Operations: deliveries and receipts' },
};

export default function steps(h) {
  const wrong = 'http://krr.example.no/rest/v1';
  return [
    {
      name: 'admin-integrations-wrong',
      run: async (page, t, lang) => {
        const m = text[lang];
        await h.loginAs(page, 'admin');
        await page.getByRole('navigation').getByRole('link', { name: m.menu, exact: true }).click();
        await page.waitForLoadState('load');
        await h.expectHeading(page, m.heading);
        await page.locator('#f-krr-state-on').check();
        await page.fill('#f-krr-endpoint', wrong);
        await page.locator('form[action="/admin/integrations"] button[type=submit]').click();
        await page.waitForLoadState('load');
        await h.expectText(page, m.problems);
        assert.equal(await page.locator('#f-krr-endpoint').inputValue(), wrong, 'what was typed is kept');
        assert.equal(await page.locator('#f-krr-endpoint').getAttribute('aria-invalid'), 'true');
        assert.ok(await page.locator('#f-krr-state-on').isChecked(), 'the chosen state is kept');
      },
    },
    {
      name: 'admin-integrations-saved',
      run: async (page, t, lang) => {
        const m = text[lang];
        await page.fill('#f-krr-endpoint', 'https://krr.example.no/rest/v1');
        await page.locator('form[action="/admin/integrations"] button[type=submit]').click();
        await page.waitForLoadState('load');
        await h.expectText(page, m.saved);
        assert.equal(await page.locator('#f-krr-endpoint').inputValue(), 'https://krr.example.no/rest/v1');
      },
    },
    {
      name: 'admin-operations',
      run: async (page, t, lang) => {
        const m = text[lang];
        await page.getByRole('navigation').getByRole('link', { name: m.ops, exact: true }).click();
        await page.waitForLoadState('load');
        await h.expectHeading(page, m.opsHeading);
        const body = await page.locator('main').innerText();
        assert.doesNotMatch(body, /@|Sofie|Berg/, 'no address or name on the operations page');
      },
    },
  ];
}
