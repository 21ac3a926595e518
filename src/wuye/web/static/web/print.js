/* Printed forms opened on their own (no site layout): the 打印 button prints the page. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });
})();
