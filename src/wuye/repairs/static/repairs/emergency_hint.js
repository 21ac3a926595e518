/* Resident's repair report (REPAIR-04): show the emergency hint while the description names an emergency.
   From repairs/portal/partials/emergency_hint.html (the Content-Security-Policy allows no inline script). */
(function () {
  "use strict";
  // Show the hint as soon as the description names an emergency (the words the service uses).
  var words = JSON.parse(document.getElementById("emergency-words").textContent);
  var input = document.querySelector("[data-emergency-input]");
  var hint = document.querySelector("[data-emergency-hint]");
  if (!input || !hint) return;
  function check() {
    var text = input.value;
    hint.hidden = !words.some(function (w) { return text.indexOf(w) !== -1; });
  }
  input.addEventListener("input", check);
  check();
})();
