/* The pages' own script (inline handlers are refused by their CSP). Everything works without it:
   a print button, "add a row" for lists of items (a blank row is always there already), and what
   a page marks with data-focus (a confirmation, an error summary, a success message) brought into
   view and focused, so it is seen and read out after the page loads. */
(function () {
  var first = document.querySelector("[data-focus]");
  if (!first) { return; }
  if (!first.hasAttribute("tabindex")) { first.setAttribute("tabindex", "-1"); }
  first.scrollIntoView({ block: "center" });
  first.focus({ preventScroll: true });
}());
document.addEventListener("click", function (event) {
  var print = event.target.closest("[data-print]");
  if (print) { event.preventDefault(); window.print(); return; }
  var add = event.target.closest("[data-add-row]");
  if (!add) { return; }
  var rows = add.closest("fieldset.rows");
  var index = parseInt(rows.dataset.next, 10);
  if (index >= parseInt(rows.dataset.max, 10)) { return; }
  var html = rows.querySelector("template").innerHTML
    .split("__i__").join(String(index)).split("__n__").join(String(index + 1));
  add.insertAdjacentHTML("beforebegin", html);
  rows.dataset.next = String(index + 1);
  if (index + 1 >= parseInt(rows.dataset.max, 10)) { add.hidden = true; }
});
