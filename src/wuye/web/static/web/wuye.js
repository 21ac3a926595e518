/* Wuye: the little the pages need beyond HTML and htmx.
   - the 菜单 button opens the navigation on phones;
   - selects marked data-autosubmit submit their form when changed (estate switcher);
   - a form submits once: a double click never sends it twice;
   - a meter's bar takes its width from data-meter ("85.6%" or "85.6"), and [data-print] prints:
     the Content-Security-Policy allows no inline style or script in the templates. */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.remove("no-js");
  root.classList.add("js");

  function meters(root) {
    (root || document).querySelectorAll("[data-meter]").forEach(function (meter) {
      var value = parseFloat(meter.getAttribute("data-meter"));
      var bar = meter.firstElementChild;
      if (!bar || isNaN(value)) return;
      bar.style.width = Math.max(0, Math.min(100, value)) + "%";
    });
  }
  meters(document);
  // Parts swapped in by htmx (a billing run's progress polls every 2 s).
  document.addEventListener("htmx:load", function (event) {
    meters(event.target.parentNode || document);
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) {
      window.print();
      return;
    }
    var toggle = event.target.closest("[data-menu-toggle]");
    if (toggle) {
      var open = document.body.classList.toggle("nav-open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      return;
    }
    // A click outside an open user menu closes it.
    document.querySelectorAll("details.user-menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details.user-menu[open]").forEach(function (menu) {
      menu.removeAttribute("open");
    });
    if (document.body.classList.contains("nav-open")) {
      document.body.classList.remove("nav-open");
      var toggle = document.querySelector("[data-menu-toggle]");
      if (toggle) toggle.setAttribute("aria-expanded", "false");
    }
  });

  document.addEventListener("change", function (event) {
    var select = event.target.closest("select[data-autosubmit]");
    if (select && select.form) {
      if (select.form.requestSubmit) select.form.requestSubmit();
      else select.form.submit();
    }
  });

  // Submit once. htmx forms are left to htmx (hx-sync); ordinary POST forms are locked on the
  // first submit and their buttons disabled after the browser has read the clicked button.
  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      if (!(form instanceof HTMLFormElement)) return;
      if (form.hasAttribute("hx-get") || form.hasAttribute("hx-post")) return;
      if ((form.getAttribute("method") || "get").toLowerCase() !== "post") return;
      if (form.dataset.submitting === "1") {
        event.preventDefault();
        return;
      }
      form.dataset.submitting = "1";
      window.setTimeout(function () {
        form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]").forEach(
          function (button) {
            button.disabled = true;
            button.setAttribute("aria-busy", "true");
          }
        );
      }, 0);
    },
    true
  );

  // Coming back with the browser's back button shows the page from its cache: unlock it.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-submitting]").forEach(function (form) {
      delete form.dataset.submitting;
      form.querySelectorAll("[aria-busy=true]").forEach(function (button) {
        button.disabled = false;
        button.removeAttribute("aria-busy");
      });
    });
  });
})();
