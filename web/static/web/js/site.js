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

  document.addEventListener("DOMContentLoaded", function () {
    setUpPosition();
    setUpPickupAddress();
  });
})();
