/* The pages' only script (inline handlers are refused by their CSP). Everything works without it:
   a print button, and "add a row" for lists of items (a blank row is always there already). */
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
