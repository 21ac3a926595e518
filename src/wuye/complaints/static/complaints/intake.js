/* Complaint intake at the desk.
   From complaints/desk/create.html (the Content-Security-Policy allows no inline script). */
(function () {
  "use strict";
  // Intake helpers: the content counter, 其他 type's text, the email field, the suggested
  // department for the chosen type, and the contact taken from the room's owner.
  var form = document.querySelector(".complaint-intake-form");
  if (!form) return;
  var suggestions = JSON.parse(document.getElementById("department-suggestions").textContent);
  var content = form.querySelector("[name=content]");
  var counter = form.querySelector("[data-counter-for] [data-count]");
  var type = form.querySelector("[name=type]");
  function count() {
    if (!content || !counter) return;
    counter.textContent = content.value.length;
    counter.parentNode.classList.toggle("cd-counter-full", content.value.length >= 5000);
  }
  function showType() {
    form.querySelector("[data-type-other]").hidden = type.value !== "other";
    form.querySelector("[data-suggested]").textContent = suggestions[type.value] || "—";
  }
  function showEmail() {
    var channel = form.querySelector("[name=channel]:checked");
    var box = form.querySelector("[data-email-field]");
    var error = box.querySelector(".field-error");
    box.hidden = !(channel && channel.value === "email") && !error;
  }
  function fillContact(button, force) {
    var name = form.querySelector("[name=contact_name]");
    var phone = form.querySelector("[name=contact_phone]");
    if (force || (!name.value && !phone.value)) {
      name.value = button.getAttribute("data-name");
      phone.value = button.getAttribute("data-phone");
    }
  }
  form.addEventListener("input", function (event) { if (event.target === content) count(); });
  form.addEventListener("change", function (event) {
    if (event.target === type) showType();
    if (event.target.name === "channel") showEmail();
  });
  form.addEventListener("click", function (event) {
    var fill = event.target.closest("[data-fill-contact]");
    if (fill) { fillContact(fill, true); return; }
    var pick = event.target.closest("[data-pick-room]");
    if (pick) {
      var input = form.querySelector("input[name=room]");
      input.value = pick.getAttribute("data-pick-room");
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
  });
  // A room found while typing: its owner becomes the contact if none was typed yet.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.target.id !== "room-match") return;
    var fill = event.target.querySelector("[data-fill-contact]");
    if (fill) fillContact(fill, false);
  });
  count(); showType(); showEmail();
})();
