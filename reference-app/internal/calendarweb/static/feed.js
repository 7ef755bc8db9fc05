// The copy button of a guardian's new calendar link (calendar_events.html).
// Without script the link stays in its read-only field, to be selected and
// copied by hand; with it the button appears and copies the link, and the
// status line below says whether it worked, in the page's language.
(function () {
  'use strict';
  var button = document.getElementById('feed-copy');
  var field = document.getElementById('feed-url');
  var status = document.getElementById('feed-copy-status');
  if (!button || !field || !status) {
    return;
  }
  button.hidden = false;
  button.addEventListener('click', function () {
    var done = function () { status.textContent = button.dataset.copied; };
    var failed = function () {
      field.focus();
      field.select();
      status.textContent = button.dataset.failed;
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(field.value).then(done, failed);
    } else {
      failed();
    }
  });
})();
