/* A complaint's desk page: assignment and reply helpers.
   From complaints/desk/detail.html (the Content-Security-Policy allows no inline script). */
(function () {
  "use strict";
  // Assignment: the people of the chosen department only (the service checks it too).
  var dept = document.querySelector("#assign-form [name='assign-department'], #reassign-form [name='reassign-department']");
  function people() {
    if (!dept) return;
    var label = dept.options[dept.selectedIndex].text;
    var who = dept.form.querySelector("select[name$='-assignee']");
    who.querySelectorAll("optgroup").forEach(function (group) {
      var other = group.label !== label;
      group.hidden = other;
      group.disabled = other;
      if (other && who.selectedOptions[0] && who.selectedOptions[0].parentNode === group) who.value = "";
    });
  }
  if (dept) { dept.addEventListener("change", people); people(); }
  // Reply: a template replaces the text (COMPLAINT-13/17 kept by every template).
  var data = document.getElementById("reply-templates");
  var pick = document.querySelector("#reply-form [name='reply-template']");
  if (data && pick) {
    var texts = JSON.parse(data.textContent);
    pick.addEventListener("change", function () {
      var text = pick.form.querySelector("[name='reply-text']");
      if (texts[pick.value]) text.value = texts[pick.value];
    });
  }
})();
