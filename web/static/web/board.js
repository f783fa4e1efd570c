// The staff board stays current without a reload, and never loses what someone is doing on it.
//
// Polling: every 3 s it asks the poll URL whether the board changed, sending the version it
// shows as If-None-Match and no cookies (the poll URL carries a signed token, so an unchanged
// board costs one query and answers 304). When the version differs it fetches the board
// fragment with the session and swaps it in.
//
// Actions: a card's form is sent by this file (fetch), not by htmx. The server answers the new
// board and a sentence; the sentence goes into the status line (#board-status), which is
// outside the board, so no later swap can wipe it. Why not htmx's hx-post: htmx resolves the
// swap target when the request leaves, so an answer that arrives after a poll replaced the
// board is swapped into the detached old board and lost (the refusal never shows). Here the
// answer is applied to whatever board is on the page when it arrives.
//
// Forms in use survive every swap: a card form that has focus, that someone typed or ticked in,
// that was just refused (its values and errors), or whose answer is awaited is moved, live,
// into the new board in place of its fresh copy (matched by id: card and action). A form whose
// action the new board no longer offers goes with it: the car has moved on.
//
// A poll's board fetched before an action's answer was applied is dropped (it may be older),
// and the board is polled again at once.
//
// Without this file the board is a plain page and every action a plain form.
(function () {
  "use strict";

  var POLL_MS = 3000;
  var polling = false;
  var pollAgain = false;
  var answers = 0; // action answers applied so far: a poll started before one is stale

  function board() {
    return document.getElementById("board");
  }

  function statusLine() {
    return document.getElementById("board-status");
  }

  function inUse(form) {
    return (
      form.contains(document.activeElement) ||
      form.dataset.dirty === "1" ||
      form.hasAttribute("data-refused") ||
      form.getAttribute("aria-busy") === "true"
    );
  }

  function parse(html) {
    return new DOMParser().parseFromString(html, "text/html");
  }

  // Replace the board with `fresh`, keeping the forms in use (except `answered`, whose answer
  // this is: the answer's own form replaces it).
  function swap(fresh, answered) {
    var old = board();
    if (!old) return;
    var focused = document.activeElement;
    var selection = null;
    if (focused && old.contains(focused) && typeof focused.selectionStart === "number") {
      try {
        selection = [focused.selectionStart, focused.selectionEnd];
      } catch (e) {
        selection = null; // number inputs have no selection
      }
    }
    old.querySelectorAll("form.card-form").forEach(function (form) {
      if (form === answered || !form.id || !inUse(form)) return;
      var copy = fresh.querySelector("#" + CSS.escape(form.id));
      if (copy) copy.replaceWith(form);
    });
    old.replaceWith(fresh);
    if (focused && focused !== document.activeElement && document.contains(focused)) {
      focused.focus({ preventScroll: true });
      if (selection) {
        try {
          focused.setSelectionRange(selection[0], selection[1]);
        } catch (e) { /* not a text field */ }
      }
    }
  }

  function say(nodes) {
    var line = statusLine();
    if (line) line.replaceChildren.apply(line, nodes);
  }

  function sayText(text) {
    var p = document.createElement("p");
    p.className = "board-answer board-answer-refused";
    p.textContent = text;
    say([p]);
  }

  function refresh(el) {
    var started = answers;
    return fetch(el.dataset.fragmentUrl, {
      credentials: "same-origin",
      cache: "no-store",
      headers: { "HX-Request": "true" },
    }).then(function (response) {
      var redirect = response.headers.get("HX-Redirect");
      if (redirect) {
        window.location.assign(redirect); // signed out: the sign-in page, whole
        return null;
      }
      if (!response.ok) return null;
      return response.text().then(function (html) {
        if (started !== answers) {
          pollAgain = true; // an action's answer came in meanwhile: this board may be older
          return;
        }
        var fresh = parse(html).getElementById("board");
        if (fresh) swap(fresh, null);
      });
    });
  }

  function poll() {
    var el = board();
    if (!el || polling || document.hidden) return;
    polling = true;
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
      .then(function () {
        polling = false;
        if (pollAgain) {
          pollAgain = false;
          poll();
        }
      });
  }

  function busy(form, on) {
    form.setAttribute("aria-busy", on ? "true" : "false");
    form.querySelectorAll("button").forEach(function (button) {
      button.disabled = on;
    });
  }

  function act(form) {
    busy(form, true);
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "HX-Request": "true" },
    })
      .then(function (response) {
        return response.text().then(function (html) {
          var page = parse(html);
          var fresh = page.getElementById("board");
          if (!fresh) {
            // Not the board (signed out, a refused CSRF token…): let the browser send the
            // form itself and show whatever the server answers.
            HTMLFormElement.prototype.submit.call(form);
            return;
          }
          answers += 1;
          var answer = page.getElementById("board-answer");
          if (answer) say(Array.prototype.slice.call(answer.childNodes));
          swap(fresh, form);
          var again = document.getElementById(form.id);
          if (again && again.hasAttribute("data-refused")) {
            var field = again.querySelector("[aria-invalid=true]") || again.querySelector("button");
            if (field) field.focus({ preventScroll: true });
          }
          pollAgain = polling;
          if (!polling) poll(); // a change made meanwhile elsewhere shows at once
        });
      })
      .catch(function () {
        busy(form, false);
        var line = statusLine();
        if (line) sayText(line.dataset.unreachable);
      });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.classList.contains("card-form")) return;
    if (!board() || !board().contains(form)) return;
    event.preventDefault();
    if (form.getAttribute("aria-busy") === "true") return; // sent once already
    act(form);
  });

  function touched(event) {
    var form = event.target && event.target.form;
    if (form && form.classList.contains("card-form")) form.dataset.dirty = "1";
  }

  document.addEventListener("input", touched);
  document.addEventListener("change", touched);

  document.addEventListener("DOMContentLoaded", function () {
    if (!board()) return;
    window.setInterval(poll, POLL_MS);
  });
})();
