// The messaging steps of the browser story (see app.test.mjs): staff send a
// bulletin to Sofie's SFO group; her mother finds it unread, reads it, and
// answers the class teacher's conversation. Every step can run again (a new
// bulletin each time; the newest is listed first).

const text = {
  nb: {
    menu: 'Meldinger', staffHeading: 'Meldinger til foresatte', inbox: 'Meldinger', unread: 'Ulest', urgent: 'Haster',
    group: 'Gruppe SFO 3–4, Nordby SFO (oppslag)', subject: 'Aktivitetsdag på SFO',
    body: 'Onsdag har vi aktivitetsdag ute.\nTa med ekstra klær.', line: 'Ta med ekstra klær.',
    noReplies: 'kan ikke besvares', conversation: 'Foreldresamtale', reply: 'Takk, vi kommer.',
  },
  nn: {
    menu: 'Meldingar', staffHeading: 'Meldingar til føresette', inbox: 'Meldingar', unread: 'Ulesen', urgent: 'Hastar',
    group: 'Gruppe SFO 3–4, Nordby SFO (oppslag)', subject: 'Aktivitetsdag på SFO',
    body: 'Onsdag har vi aktivitetsdag ute.\nTa med ekstra klede.', line: 'Ta med ekstra klede.',
    noReplies: 'kan ikkje svarast på', conversation: 'Foreldresamtale', reply: 'Takk, vi kjem.',
  },
  en: {
    menu: 'Messages', staffHeading: 'Messages to guardians', inbox: 'Messages', unread: 'Unread', urgent: 'Urgent',
    group: 'Group SFO 3–4, Nordby SFO (bulletin)', subject: 'Activity day at SFO',
    body: 'On Wednesday we have an activity day outdoors.\nBring extra clothes.', line: 'Bring extra clothes.',
    noReplies: 'no replies', conversation: 'Foreldresamtale', reply: 'Thank you, we will come.',
  },
};

export default function steps(h) {
  return [
    {
      name: 'staff-bulletin-to-group',
      run: async (page, t, lang) => {
        const m = text[lang];
        await h.loginAs(page, 'staff-nordby');
        await page.getByRole('navigation').getByRole('link', { name: m.menu, exact: true }).click();
        await page.waitForLoadState('load');
        await h.expectHeading(page, m.staffHeading);
        await page.selectOption('#to', { label: m.group });
        await page.fill('#subject', m.subject);
        await page.fill('#body', m.body);
        await page.locator('main form button[type=submit]').click();
        await page.waitForLoadState('load');
        await h.expectHeading(page, m.subject);
        await h.expectText(page, m.line);
        await h.expectText(page, 'Hilde Berg');
      },
    },
    {
      name: 'guardian-inbox',
      run: async (page, t, lang) => {
        const m = text[lang];
        await h.loginAs(page, 'guardian');
        await page.getByRole('navigation').getByRole('link', { name: m.menu, exact: true }).click();
        await page.waitForLoadState('load');
        await h.expectHeading(page, m.inbox);
        await h.expectText(page, m.subject);
        await h.expectText(page, m.unread);
        await h.expectText(page, m.urgent);
      },
    },
    {
      name: 'guardian-reads-message',
      run: async (page, t, lang) => {
        const m = text[lang];
        await page.getByRole('link', { name: m.subject }).first().click();
        await page.waitForLoadState('load');
        await h.expectHeading(page, m.subject);
        await h.expectText(page, m.line);
        await h.expectText(page, m.noReplies);
      },
    },
    {
      name: 'guardian-replies',
      run: async (page, t, lang) => {
        const m = text[lang];
        await page.goto('/messages');
        await page.getByRole('link', { name: m.conversation }).first().click();
        await page.waitForLoadState('load');
        await h.expectHeading(page, m.conversation);
        await page.fill('#body', m.reply);
        await page.locator('main form button[type=submit]').click();
        await page.waitForLoadState('load');
        await h.expectHeading(page, m.conversation);
        await h.expectText(page, m.reply);
      },
    },
  ];
}
