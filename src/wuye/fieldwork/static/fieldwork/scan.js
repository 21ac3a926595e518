/* The scan page: ask the phone for its position (the user may refuse), put it in the form,
   and send the scan. Without a position, or without this script, the button still works. */
(function () {
  "use strict";
  var form = document.getElementById("scan-form");
  if (!form) return;
  var status = document.getElementById("geo-status");
  var sent = false;
  function say(key) { if (status && status.dataset[key]) status.textContent = status.dataset[key]; }
  function send() {
    if (sent) return;
    sent = true;
    var button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    form.submit();
  }
  function locate(then) {
    if (!navigator.geolocation) { say("none"); then(); return; }
    say("asking");
    navigator.geolocation.getCurrentPosition(function (pos) {
      form.elements.latitude.value = pos.coords.latitude.toFixed(6);
      form.elements.longitude.value = pos.coords.longitude.toFixed(6);
      form.elements.accuracy.value = Math.ceil(pos.coords.accuracy || 0);
      say("got");
      then();
    }, function () { say("none"); then(); }, { enableHighAccuracy: true, timeout: 8000, maximumAge: 0 });
  }
  form.addEventListener("submit", function (event) {
    if (sent) { event.preventDefault(); return; }
    if (form.elements.latitude.value) return;
    event.preventDefault();
    locate(send);
  });
  // Opened from a label: record the scan straight away.
  if (form.dataset.auto === "1") locate(send);
})();
