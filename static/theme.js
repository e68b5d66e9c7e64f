// Runs in <head> before first paint so the chosen theme never flashes.
(function () {
  var stored = null;
  try { stored = localStorage.getItem("vitrine-theme"); } catch (e) { /* private mode */ }
  var prefersDark = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
  document.documentElement.setAttribute("data-bs-theme", stored || (prefersDark ? "dark" : "light"));
})();
