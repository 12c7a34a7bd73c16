// Adds a blank action row in place instead of a round trip to the server.
// Without JavaScript the same button submits the form and the server adds the row.
(function () {
  "use strict";
  var button = document.getElementById("add-action");
  var template = document.getElementById("action-row-template");
  var rows = document.getElementById("action-rows");
  var total = document.getElementById("id_actions-TOTAL_FORMS");
  if (!button || !template || !rows || !total) {
    return;
  }
  button.addEventListener("click", function (event) {
    event.preventDefault();
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    rows.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    var added = rows.lastElementChild;
    var legend = added.querySelector("legend");
    if (legend) {
      legend.textContent = "Action " + (index + 1);
    }
    var first = added.querySelector("input:not([type=hidden]), select, textarea");
    if (first) {
      first.focus();
    }
  });
})();
