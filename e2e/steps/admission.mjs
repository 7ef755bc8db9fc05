// The admission steps of the browser story (see app.test.mjs): a guardian
// applies for a place; a caseworker runs the allocation and approves it;
// the guardian accepts the offer and reads the decision. A round is
// approved only once, so each language has its own child and intake: in
// bokmål Emil Berg applies in the main intake, in nynorsk Live Berg in the
// continuous one, in English Nora Berg in the supplementary one (all three
// are seeded without a kindergarten place).

const story = {
  nb: {
    child: 'Emil Berg', intake: 'Hovedopptak', units: ['Solsikken barnehage', 'Bjørkelia barnehage', 'Trollskogen barnehage'],
    menu: 'Søknad om plass', heading: 'Søknad om plass', applyTitle: 'Søknad om plass', send: 'Send søknad', received: 'mottatt',
    caseMenu: 'Opptak', run: 'Kjør fordeling', runHeading: 'Fordeling', stats: 'Statistikk', toApprove: 'Gå videre til godkjenning',
    approveHeading: 'Godkjenne fordelingen', willSend: 'Tilbud om plass som sendes', confirm: 'Godkjenn', refused: 'Fordelingen er ikke godkjent',
    approvalReason: 'Demo: tilbudene sendes før fristen for å vise dem', approvedHeading: 'Fordelingen er godkjent', sent: 'Tilbud sendt:',
    offered: 'tilbud sendt', accept: /Ta imot plassen/, accepted: 'Du har takket ja', acceptedStatus: 'takket ja',
    decision: 'Les vedtaket', decisionHeading: 'Vedtak om plass', letter: 'har fått tilbud om plass',
    reason: 'Demo: fordelingen kjøres før fristen for å vise den',
  },
  nn: {
    child: 'Live Berg', intake: 'Løpende opptak', units: ['Trollskogen barnehage', 'Solsikken barnehage'],
    menu: 'Søknad om plass', heading: 'Søknad om plass', applyTitle: 'Søknad om plass', send: 'Send søknad', received: 'motteken',
    caseMenu: 'Opptak', run: 'Køyr fordeling', runHeading: 'Fordeling', stats: 'Statistikk', toApprove: 'Gå vidare til godkjenning',
    approveHeading: 'Godkjenne fordelinga', willSend: 'Tilbod om plass som blir sende', confirm: 'Godkjenn', refused: 'Fordelinga er ikkje godkjend',
    approvalReason: 'Demo: tilboda blir sende før fristen for å vise dei', approvedHeading: 'Fordelinga er godkjend', sent: 'Tilbod sende:',
    offered: 'tilbod sendt', accept: /Ta imot plassen/, accepted: 'Du har takka ja', acceptedStatus: 'takka ja',
    decision: 'Les vedtaket', decisionHeading: 'Vedtak om plass', letter: 'har fått tilbod om plass',
    reason: 'Demo: fordelinga blir køyrd før fristen for å vise ho',
  },
  en: {
    child: 'Nora Berg', intake: 'Suppleringsopptak', units: ['Bjørkelia barnehage', 'Trollskogen barnehage'],
    menu: 'Applications', heading: 'Applications for a place', applyTitle: 'Application for a place', send: 'Send application', received: 'received',
    caseMenu: 'Admission', run: 'Run the allocation', runHeading: 'Allocation', stats: 'Statistics', toApprove: 'Continue to approval',
    approveHeading: 'Approve the allocation', willSend: 'Offers of a place sent', confirm: 'Approve', refused: 'The allocation was not approved',
    approvalReason: 'Demo: the offers are sent before the deadline', approvedHeading: 'The allocation is approved', sent: 'Offers sent:',
    offered: 'offered', accept: /Accept the place/, accepted: 'You have accepted', acceptedStatus: 'accepted',
    decision: 'Read the decision', decisionHeading: 'Decision on a place', letter: 'is offered a place',
    reason: 'Demo: the round is run before the deadline',
  },
};

export default function steps(h) {
  const { loginAs, expectHeading, expectText, savePDF } = h;
  const follow = async (p, name) => { await p.getByRole('link', { name, exact: typeof name === 'string' }).first().click(); await p.waitForLoadState('load'); };
  const press = async (p, name) => { await p.getByRole('button', { name }).click(); await p.waitForLoadState('load'); };
  return [
    { name: 'admission-apply-form', run: async (p, t, lang) => {
      const s = story[lang];
      await loginAs(p, 'guardian');
      await follow(p, s.menu);
      await expectHeading(p, s.heading);
      await follow(p, new RegExp(`${s.child}.*${s.intake}`));
      await expectHeading(p, s.applyTitle);
      await expectHeading(p, s.child);
      await expectText(p, 'Hilde Berg'); // pre-filled: the guardians with parental responsibility
      for (const [i, unit] of s.units.entries()) await p.selectOption(`#choice${i + 1}`, { label: unit });
    } },
    { name: 'admission-applied', run: async (p, t, lang) => {
      const s = story[lang];
      await press(p, s.send);
      await expectHeading(p, s.child);
      await expectText(p, s.received);
      await expectText(p, s.units[0]);
    } },
    { name: 'admission-caseworker-run', run: async (p, t, lang) => {
      const s = story[lang];
      await loginAs(p, 'caseworker');
      await follow(p, s.caseMenu);
      await follow(p, new RegExp(s.intake));
      await expectHeading(p, s.intake);
      await expectText(p, s.child);
      // The demo intake's deadline has not passed: a run needs a reason.
      await p.fill('#reason', s.reason);
      await press(p, s.run);
      await expectHeading(p, s.runHeading);
      await expectText(p, s.stats);
      await expectText(p, s.child);
    } },
    // Approval is a confirmation that says what will be sent; before the
    // application deadline it needs a reason, refused without one.
    { name: 'admission-caseworker-confirm', run: async (p, t, lang) => {
      const s = story[lang];
      await follow(p, s.toApprove);
      await expectHeading(p, s.approveHeading);
      await expectText(p, s.willSend);
    } },
    { name: 'admission-caseworker-approve-refused', run: async (p, t, lang) => {
      const s = story[lang];
      await p.getByRole('button', { name: s.confirm, exact: true }).click();
      await p.waitForLoadState('load');
      await expectText(p, s.refused);
      await expectHeading(p, s.approveHeading);
    } },
    { name: 'admission-caseworker-approve', run: async (p, t, lang) => {
      const s = story[lang];
      await p.fill('#reason', s.approvalReason);
      await p.getByRole('button', { name: s.confirm, exact: true }).click();
      await p.waitForLoadState('load');
      await expectHeading(p, s.approvedHeading);
      await expectText(p, s.sent);
    } },
    { name: 'admission-guardian-offer', run: async (p, t, lang) => {
      const s = story[lang];
      await loginAs(p, 'guardian');
      await follow(p, s.menu);
      await follow(p, new RegExp('^' + s.intake)); // the application, not a link to apply
      await expectHeading(p, s.child);
      await expectText(p, s.offered);
    } },
    { name: 'admission-guardian-accepts', run: async (p, t, lang) => {
      const s = story[lang];
      await press(p, s.accept);
      await expectHeading(p, s.child);
      await expectText(p, s.accepted);
      await expectText(p, s.acceptedStatus);
    } },
    { name: 'admission-decision-letter', run: async (p, t, lang) => {
      const s = story[lang];
      await follow(p, s.decision);
      await expectHeading(p, s.decisionHeading);
      await expectText(p, s.letter);
      // The letter as the PDF/A the archive keeps, for the README.
      if (lang === 'nb') await savePDF(p, p.locator('main a[href*=".pdf"]').first(), 'decision-letter-nb');
    } },
  ];
}
