// The time since the alarm on the entrapment cards, counting towards its limit (minutes), every
// second; the colour turns amber in the last minute and red past the limit.
(function () {
  function pad(n) { return n < 10 ? "0" + n : String(n); }
  // The server's clock at rendering, so that a phone whose clock is off still counts right.
  var skew = 0;
  var stamp = document.querySelector("[data-now]");
  if (stamp) { skew = Number(stamp.getAttribute("data-now")) - Date.now(); }
  function tick() {
    document.querySelectorAll("[data-since]").forEach(function (box) {
      var since = Number(box.getAttribute("data-since"));
      var limit = Number(box.getAttribute("data-limit")) * 60;
      var seconds = Math.max(0, Math.floor((Date.now() + skew - since) / 1000));
      var out = box.querySelector(".lift-elapsed");
      if (out) { out.textContent = pad(Math.floor(seconds / 60)) + ":" + pad(seconds % 60); }
      box.classList.toggle("is-late", seconds >= limit);
      box.classList.toggle("is-warn", seconds < limit && seconds >= limit - 60);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { tick(); setInterval(tick, 1000); });
})();
