// The owner's booking page keeps the visit's timeline current without a reload, as the staff
// board does (board.js): every 3 s it asks the poll URL, which carries a signed token and no
// cookies, whether anything changed (If-None-Match: 304 while not); when it did, it fetches the
// panel with the session and swaps it in. Without this file the page shows the panel as it was
// when loaded. Also: a settlement sheet's Print button.
(function () {
  "use strict";

  var POLL_MS = 3000;
  var version = null;

  function panel() {
    return document.getElementById("visit-panel");
  }

  function refresh(el) {
    return fetch(el.dataset.fragmentUrl, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) return;
        return response.text().then(function (html) {
          var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("visit-panel");
          var old = panel();
          if (fresh && old) old.replaceWith(fresh);
        });
      });
  }

  function poll() {
    var el = panel();
    if (!el || document.hidden) return Promise.resolve();
    var headers = version ? { "If-None-Match": version } : {};
    return fetch(el.dataset.pollUrl, { credentials: "omit", cache: "no-store", headers: headers })
      .then(function (response) {
        var etag = response.headers.get("ETag");
        if (response.status !== 200 || !etag) return;
        var changed = version !== null && etag !== version;
        version = etag;
        if (changed) return refresh(el);
      })
      .catch(function () { /* offline for a moment: the next poll tries again */ });
  }

  function loop() {
    poll().then(function () { window.setTimeout(loop, POLL_MS); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (panel()) loop();
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  });
})();
