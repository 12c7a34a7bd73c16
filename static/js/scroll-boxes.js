// A table too wide for the screen scrolls inside its own box (.table-responsive). A box that
// scrolls must be reachable by keyboard (WCAG 2.1.1) and say what it holds, so while it
// overflows it joins the tab order as a region named by its table's caption; when it fits it
// leaves the tab order again. Without JavaScript the box still scrolls by touch or mouse.
(function () {
  "use strict";
  var HEADINGS = "h1, h2, h3, h4, h5, h6";
  var MARK = "data-scroll-box";

  // The table's caption, or else the heading above it.
  function describe(box) {
    var caption = box.querySelector("caption");
    var text = caption ? caption.textContent : "";
    if (!text.trim()) {
      var headings = document.querySelectorAll(HEADINGS);
      for (var i = 0; i < headings.length; i++) {
        var position = headings[i].compareDocumentPosition(box);
        if (position & Node.DOCUMENT_POSITION_FOLLOWING) {
          text = headings[i].textContent;
        }
      }
    }
    return text.replace(/\s+/g, " ").trim() || "Table";
  }

  function update() {
    var boxes = document.querySelectorAll(".table-responsive");
    var used = {};
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      var ours = box.hasAttribute(MARK);
      if (box.hasAttribute("tabindex") && !ours) {
        continue; // the template made it reachable itself
      }
      if (box.scrollWidth > box.clientWidth + 1) {
        // Landmarks must have distinct names: a second table under one heading is numbered.
        var name = describe(box) + " (table, scrolls sideways)";
        used[name] = (used[name] || 0) + 1;
        box.setAttribute(MARK, "");
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", used[name] > 1 ? name + " " + used[name] : name);
      } else if (ours) {
        box.removeAttribute(MARK);
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    }
  }

  var pending = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(update, 150);
  });
  update();
})();
