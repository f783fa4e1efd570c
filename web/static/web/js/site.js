// Progressive enhancements only: every page works without this file.
(function () {
  "use strict";

  // Find an outlet: "Nearest to me" fills `near` from the browser's position and searches.
  function setUpPosition() {
    var button = document.getElementById("use-position");
    var form = document.getElementById("outlet-search");
    if (!button || !form || !("geolocation" in navigator)) return;
    var status = document.getElementById("position-status");
    var near = form.querySelector('input[name="near"]');
    button.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = button.dataset.locating;
      navigator.geolocation.getCurrentPosition(
        function (position) {
          near.value = position.coords.latitude.toFixed(5) + "," + position.coords.longitude.toFixed(5);
          form.submit();
        },
        function () {
          status.textContent = button.dataset.denied;
        },
        { timeout: 10000, maximumAge: 600000 }
      );
    });
  }

  // Confirm: the pickup address matters only for the pickup modes; hide it otherwise.
  function setUpPickupAddress() {
    var field = document.getElementById("field-pickup_address");
    var radios = document.querySelectorAll('input[name="mode"]');
    if (!field || !radios.length) return;
    function update() {
      var checked = document.querySelector('input[name="mode"]:checked');
      var mode = checked ? checked.value : "";
      var hasError = field.querySelector(".field-error");
      field.hidden = !hasError && mode !== "pickup_delivery" && mode !== "night_service";
    }
    radios.forEach(function (radio) { radio.addEventListener("change", update); });
    update();
  }

  // Folded service choices: the summary names what is checked, as the owner changes it.
  function setUpChoiceSummaries() {
    var separator = document.documentElement.lang.indexOf("zh") === 0 ? "、" : ", ";
    document.querySelectorAll("details.choices-fold").forEach(function (fold) {
      var list = fold.querySelector(".chosen-list");
      if (!list) return;
      fold.addEventListener("change", function () {
        var names = [];
        fold.querySelectorAll("input[type=checkbox]:checked").forEach(function (box) {
          names.push(box.parentElement.textContent.trim());
        });
        list.textContent = names.length ? names.join(separator) : list.dataset.none;
      });
    });
  }

  // Picker: Continue without a time says so next to the times, at once (the server says the
  // same after a round trip without this file). Delegated: htmx replaces the times.
  function setUpTimesCheck() {
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (!form.classList || !form.classList.contains("times-form")) return;
      if (form.querySelector('input[name="start"]:checked')) return;
      var error = form.querySelector(".times-error");
      var first = form.querySelector('input[name="start"]');
      if (!error || !first) return;
      event.preventDefault();
      error.textContent = error.dataset.message;
      error.hidden = false;
      form.querySelectorAll(".free-day fieldset").forEach(function (group) {
        group.setAttribute("aria-describedby", error.id);
      });
      first.focus();
    });
    document.addEventListener("change", function (event) {
      var input = event.target;
      if (input.name !== "start" || !input.form) return;
      var error = input.form.querySelector(".times-error");
      if (error) error.hidden = true;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpPosition();
    setUpPickupAddress();
    setUpChoiceSummaries();
    setUpTimesCheck();
  });
})();
