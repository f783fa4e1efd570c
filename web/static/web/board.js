// The staff board stays current without a reload. Every 3 s it asks the poll URL whether the
// board changed, sending the version it shows as If-None-Match and no cookies (the poll URL
// carries a signed token, so an unchanged board costs one query and answers 304). When the
// version differs it fetches the board fragment with the session and lets htmx swap it in.
// Without this file the board is a plain page and every action a plain form.
(function () {
  "use strict";

  var POLL_MS = 3000;
  var busy = false;

  function board() {
    return document.getElementById("board");
  }

  function formInUse(el) {
    // Do not swap the board away under someone typing into a card's form.
    var active = document.activeElement;
    return active && el.contains(active) && active.matches("input, select, textarea");
  }

  function refresh(el) {
    if (!window.htmx) return Promise.resolve();
    return window.htmx.ajax("GET", el.dataset.fragmentUrl, { target: "#board", swap: "outerHTML" });
  }

  function poll() {
    var el = board();
    if (!el || busy || document.hidden || formInUse(el)) return;
    busy = true;
    fetch(el.dataset.pollUrl, {
      credentials: "omit",
      cache: "no-store",
      headers: { "If-None-Match": '"' + el.dataset.version + '"' },
    })
      .then(function (response) {
        if (response.status === 200) return refresh(el);
        if (response.status === 403) window.location.reload(); // token expired: a new day
        return null;
      })
      .catch(function () { /* offline for a moment: the next poll tries again */ })
      .then(function () { busy = false; });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!board()) return;
    window.setInterval(poll, POLL_MS);
  });
})();
