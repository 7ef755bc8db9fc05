// The attendance steps of the browser story (see app.test.mjs): staff check
// Sofie Berg in at Nordby SFO and out again with her grandmother from the
// pickup list; a guardian reports a child sick in one click and adds someone
// to the pickup list. Checking in and out works again the second time (the
// board offers check-in again once a child has left); the sick report is for
// Sofie in nb and for Jakob Aasen (another guardian's child) in en, so each
// run makes a new report.

const text = {
  nb: {
    board: 'Inn og ut', boardTitle: 'Inn- og utsjekking i dag',
    checkIn: 'Sjekk inn Sofie Berg', checkedIn: 'Sofie Berg er sjekket inn.',
    checkOut: 'Sjekk ut Sofie Berg', confirmOut: 'Bekreft utsjekking av Sofie Berg', checkedOut: 'Sofie Berg er sjekket ut.', present: 'Til stede',
    guardianMenu: 'Fravær og henting', guardianTitle: 'Fravær og henting',
    persona: 'guardian', child: 'Sofie Berg', sick: 'Meld Sofie Berg syk i dag', sickDone: 'Sofie Berg er meldt syk i dag.',
    pickupName: 'Navn', pickupRelation: 'Forhold til barnet', add: 'Legg til', newPickup: 'Berit Berg', relation: 'tante', pickupDone: 'Hentelista for Sofie Berg er oppdatert.',
  },
  en: {
    board: 'Check-in', boardTitle: "Today's check-in",
    checkIn: 'Check in Sofie Berg', checkedIn: 'Sofie Berg is checked in.',
    checkOut: 'Check out Sofie Berg', confirmOut: 'Confirm check-out of Sofie Berg', checkedOut: 'Sofie Berg is checked out.', present: 'Present',
    guardianMenu: 'Absence and pickup', guardianTitle: 'Absence and pickup',
    persona: 'guardian-other', child: 'Jakob Aasen', sick: 'Report Jakob Aasen sick today', sickDone: 'Jakob Aasen is reported sick today.',
    pickupName: 'Name', pickupRelation: 'Relation to the child', add: 'Add', newPickup: 'Bjørn Aasen', relation: 'uncle', pickupDone: 'The pickup list of Jakob Aasen is updated.',
  },
};

export default function steps(h) {
  return [
    {
      name: 'attendance-board',
      run: async (p, t, lang) => {
        const x = text[lang];
        await h.loginAs(p, 'staff-nordby');
        await p.getByRole('link', { name: x.board, exact: true }).click();
        await p.waitForLoadState('load');
        await h.expectHeading(p, x.boardTitle);
        await h.expectText(p, 'Nordby SFO');
        await h.expectText(p, 'Sofie Berg');
      },
    },
    {
      name: 'attendance-check-in',
      run: async (p, t, lang) => {
        const x = text[lang];
        // The board's script sends the tap and loads the board again.
        await Promise.all([p.waitForURL(/done=in/), p.getByRole('button', { name: x.checkIn }).click()]);
        await p.waitForLoadState('load');
        await h.expectText(p, x.checkedIn);
        await h.expectText(p, x.present);
      },
    },
    {
      name: 'attendance-check-out',
      run: async (p, t, lang) => {
        const x = text[lang];
        const row = p.locator('li.board-row', { has: p.locator('summary', { hasText: x.checkOut }) });
        await row.locator('summary').click();
        // The pickup list is shown at check-out, with phone numbers: her
        // grandmother is on it.
        await h.expectText(p, '+47 900 11 223');
        await row.getByLabel('Gunn Berg (mormor)').check();
        await Promise.all([p.waitForURL(/done=out/), row.getByRole('button', { name: x.confirmOut }).click()]);
        await p.waitForLoadState('load');
        await h.expectText(p, x.checkedOut);
        await h.expectText(p, 'Gunn Berg');
      },
    },
    {
      name: 'attendance-sick-today',
      run: async (p, t, lang) => {
        const x = text[lang];
        await h.loginAs(p, x.persona);
        await p.getByRole('link', { name: x.guardianMenu, exact: true }).click();
        await p.waitForLoadState('load');
        await h.expectHeading(p, x.guardianTitle);
        await p.getByRole('button', { name: x.sick }).click();
        await p.waitForLoadState('load');
        await h.expectText(p, x.sickDone);
      },
    },
    {
      name: 'attendance-pickup-list',
      run: async (p, t, lang) => {
        const x = text[lang];
        const card = p.locator('section.card', { has: p.getByRole('heading', { name: x.child }) });
        await card.getByLabel(x.pickupName, { exact: true }).fill(x.newPickup);
        await card.getByLabel(x.pickupRelation, { exact: true }).fill(x.relation);
        await card.getByRole('button', { name: x.add, exact: true }).click();
        await p.waitForLoadState('load');
        await h.expectText(p, x.pickupDone);
        await h.expectText(p, x.newPickup);
      },
    },
  ];
}
