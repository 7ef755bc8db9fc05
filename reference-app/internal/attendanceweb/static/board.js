// The staff's check-in board on weak Wi-Fi (attendance_staff.html). No
// dependencies, no build step; without it the board's forms post as they are.
//
// A tap (check in, check out) gets a key of its own and the app's time of the
// tap, and is kept in localStorage until the app has it. It is sent with
// fetch to the API (POST /api/v1/children/{id}/check-in or check-out) with
// the key as Idempotency-Key: the app records an event with a key once, so
// sending it again after an answer that got lost does no harm. While it is
// not sent the row says "not sent yet"; it is sent again when the browser is
// online again and every few seconds until then. When every tap is sent the
// board is loaded again to show what the app has recorded.
//
// A check-out with someone who is not on the pickup list is confirmed in a
// dialog first (without the script the app asks on a page of its own).
(function () {
  'use strict';
  var board = document.querySelector('section.board[data-now]');
  if (!board || !window.fetch || !window.JSON || !window.crypto) return;

  var STORE = 'oppvekst.board.taps';
  var RETRY_MS = 5000;
  var loadedAt = performance.now();
  var appNow = Number(board.getAttribute('data-now'));
  var flushing = false, timer = null, results = [], memory = [];
  var dialog = board.querySelector('dialog.board-dialog'), onYes = null;

  function text(name) { return board.getAttribute('data-' + name) || ''; }
  function fill(s, args) { var i = 0; return s.replace(/%s/g, function () { return args[i++] || ''; }); }

  // appTime is the app's clock now: what the page was told when it came,
  // plus the time since on the page's own monotonic clock. The device's
  // wall clock may be wrong; this does not depend on it.
  function appTime() { return new Date(appNow + (performance.now() - loadedAt)).toISOString(); }

  function newKey() {
    if (crypto.randomUUID) return crypto.randomUUID(); // secure contexts only
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join('');
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
  }

  // The taps not yet sent, oldest first; in memory only when the browser
  // refuses localStorage (they then last as long as the page).
  function load() {
    try { var s = localStorage.getItem(STORE); return s ? JSON.parse(s) : memory; } catch (e) { return memory; }
  }
  function save(q) {
    memory = q;
    try { localStorage.setItem(STORE, JSON.stringify(q)); } catch (e) { /* kept in memory */ }
  }

  function row(child) { return document.getElementById('barn-' + child); }
  function childName(child) { var r = row(child), a = r && r.querySelector('.board-name'); return a ? a.textContent : ''; }
  function announce(s) { var live = board.querySelector('.board-live'); if (live) live.textContent = s; }

  // showOffline says why taps wait: no connection, or (why 'login') the
  // session has ended and the staff member must log in again.
  function showOffline(down, why) {
    var b = board.querySelector('.board-offline');
    if (!b) return;
    b.hidden = !down;
    b.firstElementChild.textContent = down ? text(why || 'offline') : '';
  }

  function markPending(t) {
    var r = row(t.child);
    if (!r) return;
    r.setAttribute('data-pending', '');
    var tag = r.querySelector('.board-pending');
    tag.textContent = text('pending');
    tag.hidden = false;
    var state = r.querySelector('.board-state');
    if (state) state.textContent = text(t.kind === 'check-in' ? 'state-in' : 'state-out');
    var action = r.querySelector('.board-action');
    if (action) action.hidden = true;
  }

  function markDone(t, ok) {
    var r = row(t.child);
    if (!r) return;
    r.removeAttribute('data-pending');
    var tag = r.querySelector('.board-pending');
    tag.textContent = text(ok ? 'sent' : 'failed');
    tag.hidden = false;
  }

  function tap(form, collector) {
    var child = form.getAttribute('data-child');
    var body = { key: newKey(), unitId: form.elements.unit.value, at: appTime() };
    if (collector) body.collector = collector;
    var t = { child: child, kind: form.getAttribute('data-kind'), body: body };
    var q = load();
    q.push(t);
    save(q);
    var details = form.closest('details');
    if (details) details.open = false;
    markPending(t);
    flush();
  }

  // flush sends the oldest tap, then the next; a tap the app refuses (4xx)
  // is dropped and its row says so; one that did not get through stays.
  function flush() {
    if (flushing) return;
    var q = load();
    if (!q.length) { finish(); return; }
    flushing = true;
    var t = q[0];
    fetch('/api/v1/children/' + encodeURIComponent(t.child) + '/' + t.kind, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'Accept': 'application/json', 'Idempotency-Key': t.body.key },
      body: JSON.stringify(t.body)
    }).then(function (res) {
      if (res.status >= 500 || res.status === 401 || res.status === 408 || res.status === 429) {
        var err = new Error('HTTP ' + res.status);
        err.why = res.status === 401 ? 'login' : 'offline';
        throw err;
      }
      return res.json().catch(function () { return {}; }).then(function (v) {
        save(load().filter(function (x) { return x.body.key !== t.body.key; }));
        markDone(t, res.ok);
        if (!res.ok) announce(childName(t.child) + ': ' + text('failed'));
        results.push({ t: t, ok: res.ok, v: v });
      });
    }).then(function () {
      flushing = false;
      showOffline(false);
      flush();
    }, function (err) {
      flushing = false;
      var why = (err && err.why) || 'offline';
      showOffline(true, why);
      announce(text(why));
      later();
    });
  }

  function later() {
    if (timer) return;
    timer = setTimeout(function () { timer = null; flush(); }, RETRY_MS);
  }

  // busy: the staff member is in the middle of something on the board.
  function busy() {
    var a = document.activeElement;
    return (dialog && dialog.open) || board.querySelector('details[open]') || (a && a.tagName === 'INPUT' && a.type === 'text');
  }

  // finish loads the board again once everything is sent, with the notice
  // of the tap when it was one; a refused tap stays on the row instead.
  function finish() {
    if (!results.length || busy()) return;
    for (var i = 0; i < results.length; i++) if (!results[i].ok) return;
    var href = board.getAttribute('data-href') || location.pathname;
    if (results.length === 1) {
      var r = results[0];
      href += (href.indexOf('?') < 0 ? '?' : '&') + 'done=' + (r.t.kind === 'check-in' ? 'in' : 'out') +
        '&child=' + encodeURIComponent(r.t.child) + (r.v && r.v.warning ? '&warn=1' : '') + '#barn-' + r.t.child;
    }
    results = [];
    location.assign(href);
  }

  function listed(form, name) {
    var n = name.trim().toLowerCase();
    var choices = form.querySelectorAll('input[name="collector"][data-name]');
    for (var i = 0; i < choices.length; i++) {
      if (choices[i].getAttribute('data-name').trim().toLowerCase() === n) return true;
    }
    return false;
  }

  function ask(message, yes) {
    if (!dialog || !dialog.showModal) {
      if (window.confirm(message)) yes();
      return;
    }
    dialog.querySelector('.board-dialog-text').textContent = message;
    dialog.returnValue = '';
    onYes = yes;
    dialog.showModal();
  }

  if (dialog) {
    dialog.addEventListener('click', function (ev) {
      var b = ev.target.closest('button');
      if (b) dialog.close(b.value);
    });
    dialog.addEventListener('close', function () {
      var yes = onYes;
      onYes = null;
      if (dialog.returnValue === 'confirm' && yes) yes();
    });
  }

  board.addEventListener('submit', function (ev) {
    var form = ev.target;
    if (!form.matches || !form.matches('form.board-form')) return;
    ev.preventDefault();
    if (form.getAttribute('data-kind') === 'check-in') { tap(form, null); return; }
    var choice = form.querySelector('input[name="collector"]:checked');
    if (!choice) return; // the radios are required: the browser has asked
    var v = choice.value;
    if (v.indexOf('g:') === 0) { tap(form, { guardianId: v.slice(2) }); return; }
    if (v.indexOf('p:') === 0) { tap(form, { pickupId: v.slice(2) }); return; }
    var input = form.elements.collectorName, name = input.value.trim();
    if (!name) {
      input.setCustomValidity(text('name-needed'));
      input.reportValidity();
      return;
    }
    if (listed(form, name)) { tap(form, { name: name }); return; }
    ask(fill(text('unlisted'), [name, childName(form.getAttribute('data-child'))]), function () { tap(form, { name: name }); });
  });

  // Writing a name chooses "someone else".
  board.addEventListener('input', function (ev) {
    var input = ev.target;
    if (input.name !== 'collectorName') return;
    input.setCustomValidity('');
    var other = input.form && input.form.querySelector('input[name="collector"][value=""]');
    if (other) other.checked = true;
  });

  window.addEventListener('online', function () { showOffline(false); flush(); });
  window.addEventListener('offline', function () { showOffline(true); });
  board.addEventListener('toggle', function () { if (!load().length) finish(); }, true);

  load().forEach(markPending);
  if (!navigator.onLine) showOffline(true);
  flush();
})();
