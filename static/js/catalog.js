// Catalog: the stock-adjustment dialog. htmx loads the form into #catalog-modal-content;
// this shows the Bootstrap modal, and hides it when the server says the adjustment is done
// (HX-Trigger "catalog:adjusted"). Loaded once from layout.html so boosted navigation works.
(function () {
  "use strict";
  if (window.VitrineCatalog) return;

  function modal() {
    var el = document.getElementById("catalog-modal");
    return el && window.bootstrap ? bootstrap.Modal.getOrCreateInstance(el) : null;
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target || target.id !== "catalog-modal-content") return;
    var dialog = modal();
    if (!dialog) return;
    if (target.querySelector("[data-adjust-done]")) {
      dialog.hide();
      return;
    }
    dialog.show();
  });

  document.addEventListener("shown.bs.modal", function (event) {
    if (event.target.id !== "catalog-modal") return;
    var first = event.target.querySelector("input:not([type=hidden]):not([type=radio]), textarea");
    if (first) first.focus();
  });

  document.addEventListener("catalog:adjusted", function () {
    var dialog = modal();
    if (dialog) dialog.hide();
  });

  window.VitrineCatalog = { modal: modal };
})();
