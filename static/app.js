// Vitrine front-end glue: theme toggle, toasts, CSRF for htmx. No inline scripts (CSP).
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  // The toggle shows the theme it switches to (moon in light mode, sun in dark mode).
  function syncThemeToggle() {
    var dark = document.documentElement.getAttribute("data-bs-theme") === "dark";
    document.querySelectorAll("#theme-toggle").forEach(function (button) {
      button.setAttribute("aria-pressed", dark ? "true" : "false");
      var icon = button.querySelector(".theme-icon");
      if (icon) icon.className = "bi theme-icon " + (dark ? "bi-sun" : "bi-moon-stars");
    });
  }

  function toggleTheme() {
    var root = document.documentElement;
    var next = root.getAttribute("data-bs-theme") === "dark" ? "light" : "dark";
    root.setAttribute("data-bs-theme", next);
    try { localStorage.setItem("vitrine-theme", next); } catch (e) { /* private mode */ }
    syncThemeToggle();
  }

  function showToasts(root) {
    if (!window.bootstrap) return;
    root = root || document;
    var toasts = Array.prototype.slice.call(root.querySelectorAll(".toast[data-autoshow]"));
    // An out-of-band "beforeend" swap loads the toast element itself, not a parent of it.
    if (root.matches && root.matches(".toast[data-autoshow]")) toasts.push(root);
    toasts.forEach(function (el) {
      el.removeAttribute("data-autoshow");
      var toast = bootstrap.Toast.getOrCreateInstance(el, { delay: 6000 });
      el.addEventListener("hidden.bs.toast", function () { el.remove(); });
      toast.show();
    });
  }

  document.addEventListener("click", function (event) {
    if (event.target.closest("#theme-toggle")) toggleTheme();
  });

  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRFToken"] = csrfToken();
  });

  // A list redrawn as the user types (active search, filters) is announced once through the
  // page's persistent live region: a live region swapped in whole is not read reliably.
  document.addEventListener("htmx:afterSwap", function (event) {
    var root = event.detail.target;
    if (!root || event.detail.boosted) return;
    if (!root.isConnected) root = event.detail.elt;
    var el = root && root.isConnected ? (root.matches("[data-announce]") ? root : root.querySelector("[data-announce]")) : null;
    if (!el) {
      var id = event.detail.target && event.detail.target.id;
      el = id ? document.querySelector("#" + CSS.escape(id) + "[data-announce]") : null;
    }
    var status = document.getElementById("live-status");
    if (!el || !status) return;
    status.textContent = "";
    // A new text node after a tick: the same message twice in a row is read again too.
    setTimeout(function () { status.textContent = el.dataset.announce; }, 50);
  });

  // A boosted form the server refused (422) comes back whole with its messages, and the
  // button that had the focus is gone with the old body. Put the focus on the first field to
  // fix, or on the page's content when the refusal is about the form as a whole.
  document.addEventListener("htmx:afterSettle", function (event) {
    var detail = event.detail;
    if (!detail.boosted || !detail.xhr || detail.xhr.status !== 422) return;
    var main = document.getElementById("main");
    if (!main) return;
    var invalid = main.querySelector(".is-invalid");
    (invalid || main).focus();
  });

  // Any fragment (including out-of-band toasts) may carry toasts to show.
  document.addEventListener("htmx:load", function (event) { showToasts(event.target); });
  document.addEventListener("DOMContentLoaded", function () {
    syncThemeToggle();
    showToasts(document);
  });
  // hx-boost swaps the body: the new toggle button needs its icon too.
  document.addEventListener("htmx:afterSettle", syncThemeToggle);

  // Network failures (server down, offline) deserve a message too.
  document.addEventListener("htmx:sendError", function () {
    var container = document.getElementById("toasts");
    if (!container) return;
    var el = document.createElement("div");
    el.className = "toast text-bg-danger border-0";
    el.setAttribute("role", "alert");
    el.setAttribute("data-autoshow", "");
    el.innerHTML = '<div class="toast-body">Sem conexão com o servidor. Verifique a rede e tente de novo.</div>';
    container.appendChild(el);
    showToasts(container);
  });

  window.Vitrine = { csrfToken: csrfToken, showToasts: showToasts };
})();
