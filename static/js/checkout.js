// Sales screens: scan box focus, summary/transition dialogs, live stock polling with ETag.
// Loaded once from layout.html (boosted navigation never runs page scripts); CSP-safe: no
// inline handlers, no eval. Everything is delegated from document, so swapped-in markup works.
(function () {
  "use strict";
  if (window.VitrineSales) return;

  // --- live stock: #live-stock polls /live/stock with the ids on screen and its last ETag ---
  function badgeIds() {
    var ids = [];
    document.querySelectorAll("[id^='stock-'][data-stock]").forEach(function (el) {
      var id = el.id.slice(6);
      if (/^\d+$/.test(id) && ids.indexOf(id) < 0) ids.push(id);
    });
    return ids;
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    if (!elt.hasAttribute || !elt.hasAttribute("data-live-stock")) return;
    if (document.hidden || badgeIds().length === 0) event.preventDefault();
  });

  document.addEventListener("htmx:configRequest", function (event) {
    var elt = event.detail.elt;
    if (!elt.hasAttribute || !elt.hasAttribute("data-live-stock")) return;
    var ids = badgeIds().join(",");
    if (ids !== elt.dataset.ids) delete elt.dataset.etag; // other badges: other answer
    elt.dataset.ids = ids;
    event.detail.parameters.ids = ids;
    if (elt.dataset.etag) event.detail.headers["If-None-Match"] = elt.dataset.etag;
  });

  // A badge answered for a cart line re-rendered or removed while the poll was in flight
  // has nowhere to land: drop it (the next poll brings the new one) instead of letting htmx
  // report a missing out-of-band target.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var elt = event.detail.elt;
    if (!elt.hasAttribute || !elt.hasAttribute("data-live-stock")) return;
    if (!event.detail.serverResponse) return;
    var answer = document.createElement("template");
    answer.innerHTML = event.detail.serverResponse;
    answer.content.querySelectorAll("[hx-swap-oob][id]").forEach(function (badge) {
      if (!document.getElementById(badge.id)) badge.remove();
    });
    event.detail.serverResponse = answer.innerHTML;
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var elt = event.detail.elt;
    if (elt.hasAttribute && elt.hasAttribute("data-live-stock")) {
      var etag = event.detail.xhr && event.detail.xhr.getResponseHeader("ETag");
      if (etag) elt.dataset.etag = etag;
      return;
    }
    afterCartRequest(event);
    restoreFocus();
  });

  // --- keyboard focus across cart answers: the customer box, the lines and the summary are
  // redrawn out of band, which throws the focused control away (focus fell to <body>, so a
  // keyboard user pressing "+" twice or tabbing from the quantity to the price lost their
  // place). Note what had the focus and put it on the new copy, or on the next sensible step.
  var lostFocus = null;

  function focusKey(el, container) {
    if (el.id) return "#" + CSS.escape(el.id);
    var scope = "#" + CSS.escape(container.id) + " ";
    var line = el.closest("[data-line-id]");
    if (line) scope += '[data-line-id="' + line.dataset.lineId + '"] ';
    if (el.dataset.testid) return scope + '[data-testid="' + el.dataset.testid + '"]';
    if (el.name) return scope + '[name="' + el.name + '"][value="' + (el.value || "") + '"]';
    return null;
  }

  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    var container = event.detail.target;
    var active = document.activeElement;
    if (!container || !container.id || !active || active === document.body) return;
    if (!container.contains(active)) return;
    var line = active.closest("[data-line-id]");
    lostFocus = {
      key: focusKey(active, container),
      container: container.id,
      line: line ? line.dataset.lineId : null,
    };
  });

  function focusable(el) {
    return el && !el.disabled && el.getAttribute("aria-disabled") !== "true" && el.getClientRects().length > 0;
  }

  function nextStep(lost) {
    if (lost.container === "cart-customer") {
      var search = document.getElementById("customer-q");
      if (search) return search;
      var radios = document.querySelectorAll("#cart-customer input[name=address_id]");
      var checked = document.querySelector("#cart-customer input[name=address_id]:checked");
      if (radios.length && !checked) return radios[0];
    }
    if (lost.line) {
      var qty = document.getElementById("qty-" + lost.line);
      if (qty) return qty;
    }
    return scanInput();
  }

  function restoreFocus() {
    var lost = lostFocus;
    lostFocus = null;
    if (!lost) return;
    var active = document.activeElement;
    if (active && active !== document.body && active.isConnected) return; // nothing was lost
    var target = lost.key ? document.querySelector(lost.key) : null;
    if (!focusable(target)) target = nextStep(lost);
    if (!focusable(target)) return;
    target.focus();
  }

  // A line whose quantity exceeds the (live) stock is flagged before confirming.
  function flagOverStock() {
    document.querySelectorAll(".cart-line[data-product-id]").forEach(function (line) {
      var badge = document.getElementById("stock-" + line.dataset.productId);
      if (!badge) return;
      var over = parseInt(line.dataset.qty, 10) > parseInt(badge.dataset.stock, 10);
      line.classList.toggle("over-stock", over);
    });
  }
  document.addEventListener("htmx:oobAfterSwap", flagOverStock);

  // --- the sale on screen: cart actions name it, so the server can tell when another tab
  // finished, parked or discarded it and redraw the whole screen (routes/checkout.py) ---
  document.addEventListener("htmx:configRequest", function (event) {
    var summary = document.getElementById("cart-summary");
    var namesCart = event.detail.verb === "post" || event.detail.elt.hasAttribute("data-names-cart");
    if (summary && summary.dataset.cartId && namesCart) {
      event.detail.headers["X-Cart-Id"] = summary.dataset.cartId;
    }
  });

  // --- scan box: a scanner types digits + Enter; clear and refocus after every add ---
  function scanInput() {
    return document.getElementById("scan-code");
  }

  function afterCartRequest(event) {
    var form = event.detail.elt;
    if (!form || form.tagName !== "FORM") return; // the name search (input) keeps its text
    var fromScan = form.hasAttribute("data-scan-form");
    var fromPick = form.hasAttribute("data-product-pick");
    if (!fromScan && !fromPick) return;
    var input = scanInput();
    if (!input) return;
    if (event.detail.successful) {
      input.value = "";
      var picks = document.getElementById("product-picks");
      if (picks) picks.innerHTML = "";
    } else {
      input.select();
    }
    input.focus();
  }

  // --- customer box: Enter on a whole CPF/CNPJ picks its customer, as a cashier expects
  // after typing "CPF na nota"; typing alone only lists them (the pick changes the sale) ---
  document.addEventListener("htmx:afterSwap", function (event) {
    var request = event.detail.requestConfig; // detail.elt is the swapped-in list
    if (!request || !request.elt.hasAttribute("data-customer-search")) return;
    if (!request.triggeringEvent || request.triggeringEvent.type !== "submit") return;
    var exact = document.querySelectorAll("#customer-picks form[data-exact-match]");
    if (exact.length === 1) exact[0].requestSubmit();
  });

  // --- dialogs: the checkout summary (loaded by htmx) and the order transitions ---
  function openDialog(dialog) {
    if (!dialog || dialog.open) return;
    if (dialog.showModal) dialog.showModal();
    else dialog.setAttribute("open", "");
    var first = dialog.querySelector("textarea, input:not([type=hidden]), button[type=submit]");
    if (first) first.focus();
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "checkout-dialog-content") {
      if (event.detail.xhr.getResponseHeader("HX-Reswap") === "none") return; // a stale tab
      openDialog(document.getElementById("checkout-dialog"));
    }
  });

  document.addEventListener("checkout:failed", function () {
    var dialog = document.getElementById("checkout-dialog");
    if (dialog && dialog.open) dialog.close();
  });

  document.addEventListener("click", function (event) {
    var opener = event.target.closest("[data-dialog-open]");
    if (opener) {
      openDialog(document.getElementById(opener.dataset.dialogOpen));
      return;
    }
    var closer = event.target.closest("[data-dialog-close]");
    if (closer) {
      var dialog = closer.closest("dialog");
      if (dialog) {
        event.preventDefault();
        dialog.close();
        var input = scanInput();
        if (input) input.focus();
      }
      return;
    }
    if (event.target.closest("[data-print]")) window.print();
  });

  window.VitrineSales = { flagOverStock: flagOverStock };
})();
