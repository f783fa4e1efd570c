// Create an account: the time zone starts as the browser's own, when the list has it. Without
// this file the form keeps its default and the owner can still pick the zone by hand.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var select = document.querySelector('select[data-browser-zone="fill"]');
    if (!select || typeof Intl === "undefined") return;
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && select.querySelector('option[value="' + zone.replace(/"/g, "") + '"]')) {
      select.value = zone;
    }
  });
})();
