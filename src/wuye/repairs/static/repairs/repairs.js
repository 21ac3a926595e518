/* Repairs pages: the little they need beyond htmx.
   - intake (desk): pick a room from the matches, fill the contact from the room's owner, show the
     room or the public-area fields as chosen;
   - completion (technician): add and remove material and charge rows, the live charge total
     (the server prices the lines again from the price list; this is only what the owner sees). */
(function () {
  "use strict";
  if (window.wuyeRepairs) return;
  window.wuyeRepairs = true;

  function money(n) {
    var fixed = (Math.round(n * 100) / 100).toFixed(2);
    return "¥" + fixed.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }

  function recompute(box) {
    var total = 0;
    box.querySelectorAll("[data-charge-row]").forEach(function (row) {
      var select = row.querySelector("select");
      var option = select.options[select.selectedIndex];
      var price = parseFloat((option && option.getAttribute("data-price")) || "0");
      var quantity = parseFloat(row.querySelector("input").value || "0");
      var amount = select.value && isFinite(price * quantity) ? Math.round(price * quantity * 100) / 100 : 0;
      row.querySelector("[data-amount]").textContent = select.value ? money(amount) : "";
      total += amount;
    });
    var out = box.querySelector("[data-total]");
    if (out) out.textContent = money(total);
  }

  function recomputeAll() {
    document.querySelectorAll("[data-charges]").forEach(recompute);
  }

  function showPlace(form) {
    var checked = form.querySelector("input[name=place_kind]:checked");
    var kind = checked ? checked.value : "room";
    form.querySelectorAll("[data-place]").forEach(function (part) {
      part.hidden = part.getAttribute("data-place") !== kind;
    });
  }

  function fillContact(button, force) {
    var form = button.closest("form") || document;
    var name = form.querySelector("[name=contact_name]");
    var phone = form.querySelector("[name=contact_phone]");
    if (!name || !phone) return;
    if (force || (!name.value && !phone.value)) {
      name.value = button.getAttribute("data-name");
      phone.value = button.getAttribute("data-phone");
    }
  }

  document.addEventListener("input", function (event) {
    var box = event.target.closest("[data-charges]");
    if (box) recompute(box);
  });

  document.addEventListener("change", function (event) {
    var box = event.target.closest("[data-charges]");
    if (box) recompute(box);
    if (event.target.name === "place_kind") showPlace(event.target.form);
  });

  document.addEventListener("click", function (event) {
    var add = event.target.closest("[data-add-row]");
    if (add) {
      var list = document.getElementById(add.getAttribute("data-add-row"));
      var template = list && list.querySelector("template");
      if (!template) return;
      var row = template.content.firstElementChild.cloneNode(true);
      template.parentNode.insertBefore(row, template);
      var first = row.querySelector("input, select");
      if (first) first.focus();
      recomputeAll();
      return;
    }
    var remove = event.target.closest("[data-remove-row]");
    if (remove) {
      var line = remove.closest(".line-row");
      var box = line.closest("[data-charges]");
      line.remove();
      if (box) recompute(box);
      return;
    }
    var fill = event.target.closest("[data-fill-contact]");
    if (fill) {
      fillContact(fill, true);
      return;
    }
    var pick = event.target.closest("[data-pick-room]");
    if (pick) {
      var input = document.querySelector("input[name=room]");
      if (input) {
        input.value = pick.getAttribute("data-pick-room");
        input.dispatchEvent(new Event("change", { bubbles: true }));
      }
    }
  });

  // A room found while typing: its owner becomes the contact if none was typed yet.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.target.id !== "room-match") return;
    var fill = event.target.querySelector("[data-fill-contact]");
    if (fill) fillContact(fill, false);
  });

  function start() {
    recomputeAll();
    document.querySelectorAll("form.intake-form").forEach(showPlace);
    // A step sent back with errors: show it, not the top of a long phone page.
    var error = document.querySelector(".phone-page .step .form-errors, .phone-page .step .field-error");
    if (error) error.scrollIntoView({ block: "center" });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
