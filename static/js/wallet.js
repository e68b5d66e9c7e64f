// Wallet: the admin adjustment dialog. htmx loads the form into #wallet-modal-content; this
// shows the Bootstrap modal and hides it once the server answers with the "done" fragment
// (the panel refreshes itself on the HX-Trigger "wallet-changed"). Loaded once from
// layout.html so boosted navigation works.
(function () {
  "use strict";
  if (window.VitrineWallet) return;

  function modal() {
    var el = document.getElementById("wallet-modal");
    return el && window.bootstrap ? bootstrap.Modal.getOrCreateInstance(el) : null;
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target || target.id !== "wallet-modal-content") return;
    var dialog = modal();
    if (!dialog) return;
    if (target.querySelector("[data-wallet-adjust-done]")) {
      dialog.hide();
      return;
    }
    dialog.show();
    // A refused submit replaced the button that had focus: move it to the field to fix.
    var invalid = target.querySelector("[aria-invalid=true], .is-invalid");
    if (invalid) invalid.focus();
  });

  document.addEventListener("shown.bs.modal", function (event) {
    if (event.target.id !== "wallet-modal") return;
    var amount = event.target.querySelector("#amount");
    if (amount) amount.focus();
  });

  // The customer tabs scroll sideways on phones; at 390 px "Carteira" (4th of 5) falls half
  // outside the strip. Scroll the strip (never the page) so the active tab is in view.
  function revealActiveTab(root) {
    if (!root || !root.querySelectorAll) return;
    root.querySelectorAll(".customer-tabs").forEach(function (strip) {
      var active = strip.querySelector(".nav-link.active");
      if (!active) return;
      var box = strip.getBoundingClientRect();
      var tab = active.getBoundingClientRect();
      if (tab.left < box.left || tab.right > box.right) {
        strip.scrollLeft += tab.left - box.left - (box.width - tab.width) / 2;
      }
    });
  }

  document.addEventListener("htmx:load", function (event) {
    revealActiveTab(event.detail.elt);
  });
  document.addEventListener("DOMContentLoaded", function () {
    revealActiveTab(document);
  });

  window.VitrineWallet = { modal: modal, revealActiveTab: revealActiveTab };
})();
