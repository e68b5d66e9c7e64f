// Report charts: draws every [data-figure] element with Plotly (figure JSON built by the
// server) when it arrives (page load or htmx swap). No inline scripts: the CSP forbids them.
// Plotly is loaded on first use when the page came through hx-boost (whose <head> is not
// merged), with its stylesheet first so it injects no <style> element (see ui.html).
(function () {
  "use strict";

  var CONFIG = { displayModeBar: false, responsive: true };
  var loading = null;

  function loadPlotly(el) {
    if (window.Plotly) return Promise.resolve();
    if (loading) return loading;
    loading = new Promise(function (resolve, reject) {
      if (!document.getElementById("plotly.js-style-global")) {
        var link = document.createElement("link");
        link.id = "plotly.js-style-global";
        link.className = "no-inline-styles";
        link.rel = "stylesheet";
        link.href = el.getAttribute("data-plotly-css");
        document.head.appendChild(link);
      }
      var script = document.createElement("script");
      script.src = el.getAttribute("data-plotly-src");
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
    return loading;
  }

  function themeColors() {
    var dark = document.documentElement.getAttribute("data-bs-theme") === "dark";
    return {
      font: dark ? "#dee2e6" : "#212529",
      grid: dark ? "rgba(255,255,255,0.12)" : "rgba(0,0,0,0.08)"
    };
  }

  function themed(layout) {
    var c = themeColors();
    layout.font = Object.assign({}, layout.font, { color: c.font });
    ["xaxis", "yaxis", "yaxis2"].forEach(function (axis) {
      if (layout[axis]) layout[axis] = Object.assign({}, layout[axis], { gridcolor: c.grid, zerolinecolor: c.grid });
    });
    if (layout.legend) layout.legend = Object.assign({}, layout.legend, { font: { color: c.font } });
    return layout;
  }

  function draw(el) {
    if (el.getAttribute("data-plotted")) return;
    el.setAttribute("data-plotted", "pending");
    var figure;
    try {
      figure = JSON.parse(el.getAttribute("data-figure"));
    } catch (e) {
      el.textContent = "Não foi possível desenhar o gráfico.";
      return;
    }
    loadPlotly(el).then(function () {
      return window.Plotly.newPlot(el, figure.data, themed(figure.layout || {}), CONFIG);
    }).then(function () {
      el.setAttribute("data-plotted", "yes");
    }).catch(function () {
      el.textContent = "Não foi possível carregar o gráfico.";
    });
  }

  function drawAll(root) {
    var scope = root && root.querySelectorAll ? root : document;
    if (scope.matches && scope.matches("[data-figure]")) draw(scope);
    scope.querySelectorAll("[data-figure]").forEach(draw);
  }

  // Theme switch: recolour the charts already drawn.
  new MutationObserver(function () {
    if (!window.Plotly) return;
    document.querySelectorAll('[data-plotted="yes"]').forEach(function (el) {
      window.Plotly.relayout(el, themed({ xaxis: el.layout.xaxis, yaxis: el.layout.yaxis, yaxis2: el.layout.yaxis2, legend: el.layout.legend }));
    });
  }).observe(document.documentElement, { attributes: true, attributeFilter: ["data-bs-theme"] });

  document.addEventListener("htmx:load", function (event) { drawAll(event.target); });
  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
})();
