/*
 * The hearing record's participant rows: "Add a row" copies the <template> row, "Remove"
 * deletes one. Without JavaScript the form still shows five empty rows and accepts pasted
 * lines, so nothing depends on this script.
 */
(function () {
  "use strict";

  function addRow(button) {
    var table = document.getElementById(button.getAttribute("data-add-row"));
    var template = document.getElementById(button.getAttribute("data-template"));
    if (!table || !template) {
      return;
    }
    var row = template.content.firstElementChild.cloneNode(true);
    table.tBodies[0].appendChild(row);
    var first = row.querySelector("input");
    if (first) {
      first.focus();
    }
  }

  document.addEventListener("click", function (event) {
    var add = event.target.closest && event.target.closest("[data-add-row]");
    if (add) {
      event.preventDefault();
      addRow(add);
      return;
    }
    var remove = event.target.closest && event.target.closest("[data-remove-row]");
    if (remove) {
      event.preventDefault();
      var row = remove.closest("tr");
      var body = row && row.parentNode;
      if (body && body.rows.length > 1) {
        body.removeChild(row);
      } else if (row) {
        row.querySelectorAll("input").forEach(function (input) {
          input.value = "";
        });
      }
    }
  });
})();
