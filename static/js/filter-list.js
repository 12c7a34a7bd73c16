// Gives each long list of tick boxes marked data-filter a "find in this list" box.
// Without JavaScript the list is a plain list of tick boxes, which works the same.
(function () {
  "use strict";
  var groups = {};
  document.querySelectorAll("input[type=checkbox][data-filter]").forEach(function (input) {
    var key = (input.form ? input.form.id || "" : "") + "|" + input.name;
    (groups[key] = groups[key] || []).push(input);
  });
  Object.keys(groups).forEach(function (key, index) {
    var inputs = groups[key];
    var first = inputs[0].closest(".form-check");
    var list = first ? first.parentElement : null;
    if (!list || inputs.length < 8) {
      return;
    }
    var id = "filter-" + index + "-" + inputs[0].name;
    var box = document.createElement("div");
    box.className = "mb-2";
    var label = document.createElement("label");
    label.className = "form-label small mb-1";
    label.htmlFor = id;
    label.textContent = inputs[0].getAttribute("data-filter");
    var search = document.createElement("input");
    search.type = "search";
    search.id = id;
    search.className = "form-control form-control-sm";
    search.setAttribute("autocomplete", "off");
    search.setAttribute("aria-controls", list.id || (list.id = id + "-list"));
    var status = document.createElement("p");
    status.className = "small text-body-secondary mb-1";
    status.setAttribute("aria-live", "polite");
    status.id = id + "-status";
    search.setAttribute("aria-describedby", status.id);
    box.appendChild(label);
    box.appendChild(search);
    box.appendChild(status);
    list.parentElement.insertBefore(box, list);
    list.classList.add("filter-list");

    function rowOf(input) {
      return input.closest(".form-check");
    }
    function update() {
      var words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      var ticked = 0;
      inputs.forEach(function (input) {
        var text = (rowOf(input).textContent || "").toLowerCase();
        var match = words.every(function (word) { return text.indexOf(word) !== -1; });
        // A ticked item stays in sight, so nothing chosen is ever hidden from the person.
        var visible = match || input.checked;
        rowOf(input).hidden = !visible;
        shown += visible ? 1 : 0;
        ticked += input.checked ? 1 : 0;
      });
      status.textContent = "Showing " + shown + " of " + inputs.length + "; " + ticked + " ticked.";
    }
    search.addEventListener("input", update);
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault(); // Enter in the find box must not send the form.
      }
    });
    inputs.forEach(function (input) { input.addEventListener("change", update); });
    update();
  });
})();
