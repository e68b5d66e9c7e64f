// Audit filters: leave empty filters out of the request, so the pushed URL only names the
// filters that are set (/audit?table=users rather than /audit?table=users&record_id=&...).
(function () {
  "use strict";

  document.addEventListener("htmx:configRequest", function (event) {
    var elt = event.detail.elt;
    if (!elt || !elt.matches || !elt.matches("form[data-drop-empty]")) return;
    var data = event.detail.formData;
    if (!data) return;
    Array.from(new Set(Array.from(data.keys()))).forEach(function (name) {
      var filled = data.getAll(name).some(function (value) { return String(value).trim() !== ""; });
      if (!filled) data.delete(name);
    });
  });
})();
