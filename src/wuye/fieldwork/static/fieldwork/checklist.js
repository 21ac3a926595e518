/* Field work: filling a checklist on a phone (fieldwork/records/fill.html).
   - a reading outside its normal range shows "超出正常范围" at once (the server flags it again);
   - the phone's position, where it allows, goes into the hidden latitude/longitude fields.
   Delegated and idempotent. */
(function () {
  "use strict";
  if (window.wuyeChecklist) return;
  window.wuyeChecklist = true;

  function check(input) {
    var field = input.closest(".check-item");
    var hint = field && field.querySelector("[data-range-hint]");
    if (!hint) return;
    var text = input.value.trim();
    var value = parseFloat(text);
    var low = input.hasAttribute("data-low") ? parseFloat(input.getAttribute("data-low")) : null;
    var high = input.hasAttribute("data-high") ? parseFloat(input.getAttribute("data-high")) : null;
    var out = text !== "" && isFinite(value) &&
      ((low !== null && value < low) || (high !== null && value > high));
    hint.hidden = !out;
    input.setAttribute("aria-invalid", out ? "true" : "false");
  }

  document.addEventListener("input", function (event) {
    var input = event.target;
    if (input instanceof HTMLInputElement && input.hasAttribute("data-reading")) check(input);
  });

  function locate() {
    var form = document.querySelector("[data-checklist]");
    if (!form) return;
    document.querySelectorAll("[data-reading]").forEach(check);
    if (!navigator.geolocation) return;
    navigator.geolocation.getCurrentPosition(function (position) {
      form.querySelector("[data-latitude]").value = position.coords.latitude.toFixed(6);
      form.querySelector("[data-longitude]").value = position.coords.longitude.toFixed(6);
    }, function () { /* no position: the record is kept without one */ },
    { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", locate);
  else locate();
})();
