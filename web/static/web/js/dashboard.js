// The audit dashboard's filters, enhanced: the page works without this file.
(function () {
  "use strict";

  // Folded on a phone (figures first); unfolded where there is room for it.
  function unfoldOnWideScreens() {
    var box = document.getElementById("dashboard-filter-box");
    if (box && window.matchMedia("(min-width: 48rem)").matches) box.open = true;
  }

  // A preset chosen clears the dates it replaces (the server then reads the preset's own);
  // a date typed makes the period custom.
  function linkPeriodAndDates() {
    var period = document.getElementById("id_period");
    var dates = [document.getElementById("id_date_from"), document.getElementById("id_date_to")];
    if (!period || !dates[0] || !dates[1]) return;
    period.addEventListener("change", function () {
      if (period.value !== "custom") dates.forEach(function (input) { input.value = ""; });
    });
    dates.forEach(function (input) {
      input.addEventListener("change", function () {
        if (input.value) period.value = "custom";
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    unfoldOnWideScreens();
    linkPeriodAndDates();
  });
})();
