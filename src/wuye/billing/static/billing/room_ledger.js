/* A room's fee ledger: the cashier's collect form.
   From billing/room_ledger.html (the Content-Security-Policy allows no inline script). */
// Choosing bills fills in their amount (the cashier can still change it).
document.querySelectorAll("[data-fee-collect]").forEach(function (form) {
  form.addEventListener("change", function (event) {
    if (event.target.name !== "bills") return;
    var total = 0, any = false;
    form.querySelectorAll("input[name=bills]:checked").forEach(function (box) {
      any = true; total += Math.round(parseFloat(box.dataset.outstanding) * 100);
    });
    if (any) form.querySelector("input[name=amount]").value = (total / 100).toFixed(2);
  });
});
