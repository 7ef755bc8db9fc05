// The billing steps of the browser story (see app.test.mjs): the caseworker
// previews and approves the invoices of this month, the guardian reads the invoice and why
// the fee is what it is. The story runs in nb, nn and en against one app:
// a second run of the month creates nothing, so the nn and en passes find
// the invoices made by the first and say so.
const words = {
  nb: { invoice: 'Faktura', account: 'Kontonummer', families: 'Familier og inntektsvedtak', prices: 'Prislister', payments: 'Innbetalinger', menu: 'Foreldrebetaling', preview: 'Forhåndsvis fakturakjøringen', approve: 'Godkjenn fakturakjøringen', run: 'Kjør fakturering', invoices: 'Fakturaer for', created: 'Faktureringen er kjørt', existing: 'allerede fakturert', guardianMenu: 'Fakturaer', kid: 'KID', why: 'Hvorfor dette beløpet for Sofie Berg?', fees: 'Foreldrebetaling for Sofie Berg', incomeCap: 'Inntektsgradert betaling', freeHours: 'Gratis timer' },
  nn: { invoice: 'Faktura', account: 'Kontonummer', families: 'Familiar og inntektsvedtak', prices: 'Prislister', payments: 'Innbetalingar', menu: 'Foreldrebetaling', preview: 'Førehandsvis fakturakøyringa', approve: 'Godkjenn fakturakøyringa', run: 'Køyr fakturering', invoices: 'Fakturaer for', created: 'Faktureringa er køyrd', existing: 'allereie fakturert', guardianMenu: 'Fakturaer', kid: 'KID', why: 'Kvifor dette beløpet for Sofie Berg?', fees: 'Foreldrebetaling for Sofie Berg', incomeCap: 'Inntektsgradert betaling', freeHours: 'Gratis timar' },
  en: { invoice: 'Invoice', account: 'Account number', families: 'Families and income decisions', prices: 'Price lists', payments: 'Payments', menu: 'Parental fees', preview: 'Preview the invoice run', approve: 'Approve the invoice run', run: 'Run invoicing', invoices: 'Invoices for', created: 'The invoice run is done', existing: 'already been invoiced', guardianMenu: 'Invoices', kid: 'KID', why: 'Why this amount for Sofie Berg?', fees: 'Parental fees for Sofie Berg', incomeCap: 'Income cap', freeHours: 'Free hours' },
};

export default function steps(h) {
  return [
    {
      name: 'caseworker-invoice-run',
      run: async (page, t, lang) => {
        const w = words[lang];
        await h.loginAs(page, 'caseworker');
        await page.getByRole('link', { name: w.menu, exact: true }).click();
        await page.waitForLoadState('load');
        await h.expectHeading(page, w.menu);
        // The month field holds this month already. The run is previewed
        // first (nothing stored), then approved; a month run before (the
        // nn and en passes) shows its invoices instead of a preview.
        await page.getByRole('button', { name: w.preview }).click();
        await page.waitForLoadState('load');
        const approve = page.getByRole('button', { name: w.approve });
        if (await approve.count()) {
          await approve.click();
          await page.waitForLoadState('load');
        }
        await h.expectHeading(page, w.invoices);
        const body = await page.locator('body').innerText();
        if (!body.includes(w.created) && !body.includes(w.existing)) {
          throw new Error(`the run says neither "${w.created}" nor "${w.existing}" on ${page.url()}`);
        }
        await h.expectText(page, 'Hilde Berg');
      },
    },
    // The caseworker's other billing pages, read only (so both passes see
    // the same): families and income decisions, price lists, payments.
    ...['families', 'prices', 'payments'].map(key => ({
      name: `caseworker-billing-${key}`,
      run: async (page, t, lang) => {
        const w = words[lang];
        await page.goto('/billing');
        await page.getByRole('link', { name: w[key], exact: true }).click();
        await page.waitForLoadState('load');
        await h.expectHeading(page, w[key]);
        if (key === 'families') {
          // The families are paged; the caseworker searches for one, and
          // sees her family and its income decision.
          await page.fill('#families-q', 'Hilde Berg');
          await page.locator('form[role=search]:has(#families-q) button').click();
          await page.waitForLoadState('load');
          await h.expectText(page, 'Hilde Berg');
        }
      },
    })),
    {
      name: 'guardian-invoice',
      run: async (page, t, lang) => {
        const w = words[lang];
        await h.loginAs(page, 'guardian');
        await page.getByRole('link', { name: w.guardianMenu, exact: true }).click();
        await page.waitForLoadState('load');
        await h.expectHeading(page, w.guardianMenu);
        await h.expectText(page, w.kid);
        await h.expectText(page, 'Sofie Berg');
      },
    },
    {
      name: 'guardian-fee-explanation',
      run: async (page, t, lang) => {
        const w = words[lang];
        await page.getByRole('link', { name: w.why }).first().click();
        await page.waitForLoadState('load');
        await h.expectHeading(page, w.fees);
        await h.expectText(page, w.incomeCap);
        await h.expectText(page, w.freeHours);
      },
    },
    {
      // The invoice itself: the page the guardian prints, and its PDF/A
      // (kept for the README in nb).
      name: 'guardian-invoice-document',
      run: async (page, t, lang) => {
        const w = words[lang];
        await page.getByRole('link', { name: w.guardianMenu, exact: true }).click();
        await page.waitForLoadState('load');
        await page.locator('main a[href^="/invoices/"]').first().click();
        await page.waitForLoadState('load');
        await h.expectHeading(page, w.invoice);
        await h.expectText(page, w.kid);
        await h.expectText(page, w.account);
        if (lang === 'nb') await h.savePDF(page, page.locator('main a[href$="/invoice.pdf"]').first(), 'invoice-nb');
      },
    },
  ];
}
