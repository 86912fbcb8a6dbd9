/* The only script: a print button (inline handlers are refused by the pages' CSP). */
document.addEventListener("click", function (event) {
  var target = event.target.closest("[data-print]");
  if (target) { event.preventDefault(); window.print(); }
});
