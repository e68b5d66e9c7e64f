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
  });

  document.addEventListener("shown.bs.modal", function (event) {
    if (event.target.id !== "wallet-modal") return;
    var amount = event.target.querySelector("#amount");
    if (amount) amount.focus();
  });

  window.VitrineWallet = { modal: modal };
})();
