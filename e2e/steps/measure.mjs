// Checks of a page the browser is on, run inside the page by
// page.evaluate (so they may use only the page's own globals): layout.mjs
// and the browser story (app.test.mjs) share them.

// measure runs in the page: sideways scrolling and the small targets.
export function measure() {
  const small = [];
  const sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]';
  const visible = el => { const s = getComputedStyle(el); const r = el.getBoundingClientRect(); return s.visibility !== 'hidden' && s.display !== 'none' && r.width > 0 && r.height > 0; };
  const name = el => {
    const id = el.id ? '#' + el.id : '';
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || el.outerHTML).trim().slice(0, 80);
    return `${el.tagName.toLowerCase()}${id}${el.type && el.tagName === 'INPUT' ? '[' + el.type + ']' : ''} "${text}"`;
  };
  for (const el of document.querySelectorAll(sel)) {
    if (!visible(el)) continue;
    // Inside a closed <details> (its summary aside) nothing is shown yet.
    const closed = el.closest('details:not([open])');
    if (closed && el.tagName !== 'SUMMARY' && !el.closest('summary')) continue;
    if (el.classList.contains('skip')) continue; // off screen until focused; 44 px then
    let r = el.getBoundingClientRect();
    let box = { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
    if (el.tagName === 'A') {
      // WCAG 2.5.8's inline exception: a link in a sentence of running text.
      const p = el.parentElement;
      const own = [...p.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join('').trim();
      if (own.length > 0 && getComputedStyle(el).display === 'inline') continue;
    }
    if (el.type === 'checkbox' || el.type === 'radio') {
      for (const l of el.labels || []) {
        const lr = l.getBoundingClientRect();
        box = { left: Math.min(box.left, lr.left), top: Math.min(box.top, lr.top), right: Math.max(box.right, lr.right), bottom: Math.max(box.bottom, lr.bottom) };
      }
    }
    const w = box.right - box.left, h = box.bottom - box.top;
    if (w < 43.5 || h < 43.5) small.push(`${name(el)} ${Math.round(w)}×${Math.round(h)}`);
  }
  // What sticks out on the right, deepest first: where to look.
  const wide = [];
  if (document.documentElement.scrollWidth > window.innerWidth) {
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.right > window.innerWidth + 0.5 && ![...el.children].some(c => c.getBoundingClientRect().right > window.innerWidth + 0.5)) {
        wide.push(`${el.tagName.toLowerCase()}${el.className ? '.' + String(el.className).split(' ').join('.') : ''} right ${Math.round(r.right)}`);
      }
    }
  }
  return { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, small, wide: wide.slice(0, 3) };
}

// englishWords returns the English words of a fixed list found in the
// page's text (hidden text included: a screen reader reads it), leaving
// out what is English on purpose: elements marked with another language
// (lang="en", e.g. "English" in the language menu or a rule's English
// source note), code, and the language menu's options.
export function englishWords() {
  const words = ['the', 'and', 'of', 'must', 'required', 'invalid', 'error', 'not found', 'forbidden', 'please', 'submit',
    'cancel', 'delete', 'should', 'cannot', 'unknown', 'undefined', 'is not', 'at least', 'yes', 'no longer', 'choose', 'save'];
  const lang = document.documentElement.lang;
  const clone = document.body.cloneNode(true);
  for (const el of clone.querySelectorAll('script, style, code, select, option, [lang]')) {
    if (el.matches('[lang]') && el.getAttribute('lang') === lang) continue;
    el.remove();
  }
  const text = clone.textContent.replace(/\s+/g, ' ');
  const found = [];
  for (const w of words) {
    const m = text.match(new RegExp(`(^|[^\\p{L}])(${w})(?=$|[^\\p{L}])`, 'iu'));
    if (m) {
      const at = m.index;
      found.push(`"${w}" in …${text.slice(Math.max(0, at - 40), at + 40)}…`);
    }
  }
  return found;
}
