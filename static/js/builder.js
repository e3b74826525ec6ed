// Loop builder: drag and drop to reorder a stage's questions.
// The move buttons do the same without a mouse (and without JavaScript).
(function () {
  "use strict";

  function attach(root) {
    root.querySelectorAll("ol.planned-list[data-reorder-url]").forEach(function (list) {
      if (list.dataset.sortable) {
        return;
      }
      list.dataset.sortable = "on";
      window.Sortable.create(list, {
        handle: ".drag-handle",
        animation: 120,
        onEnd: function (event) {
          if (event.oldIndex === event.newIndex) {
            return;
          }
          var ids = Array.prototype.map.call(list.children, function (li) {
            return li.dataset.id;
          });
          window.htmx.ajax("POST", list.dataset.reorderUrl, {
            target: "#builder",
            swap: "outerHTML",
            values: { order: ids.join(",") },
          });
        },
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (window.Sortable && window.htmx) {
      window.htmx.onLoad(attach);
    }
  });
})();
