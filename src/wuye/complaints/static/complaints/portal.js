/* A resident's new complaint (phone page).
   From complaints/portal/my_new.html (the Content-Security-Policy allows no inline script). */
(function () {
  "use strict";
  // The live counter of the content (characters as the server counts them: one per line break,
  // one per character outside the BMP) and the "其他" text shown only when 其他 is chosen.
  var box = document.querySelector("[data-counter-max]");
  var counter = document.querySelector("[data-counter-for]");
  if (box && counter) {
    var max = parseInt(box.getAttribute("data-counter-max"), 10);
    var count = function () {
      var n = Array.from(box.value.trim()).length;
      var over = n - max;
      counter.classList.toggle("is-over", over > 0);
      counter.textContent = over > 0
        ? counter.getAttribute("data-over").replace("{over}", over)
          + counter.getAttribute("data-over-count").replace("{n}", n).replace("{max}", max)
        : n + " / " + max;
      box.setAttribute("aria-invalid", over > 0 ? "true" : "false");
    };
    box.addEventListener("input", count);
    count();
  }
  var other = document.querySelector("[data-type-other]");
  var types = document.querySelectorAll("input[name=type]");
  if (other && types.length) {
    var show = function () {
      var chosen = document.querySelector("input[name=type]:checked");
      var on = !!chosen && chosen.value === "other";
      other.classList.toggle("cp-js-hidden", !on);
    };
    types.forEach(function (t) { t.addEventListener("change", show); });
    show();
  }
})();
