// Input masks for Brazilian identifiers: CPF/CNPJ (switches by length), CEP and phone.
// Delegated on document so fields swapped in by htmx get them too. The server accepts the
// values with or without the mask; this is only for the person typing.
(function () {
  "use strict";

  function digits(value, max) { return value.replace(/\D+/g, "").slice(0, max); }

  function apply(d, pattern) {
    // pattern uses 9 for a digit; stops at the last typed digit so deleting feels natural
    var out = "", i = 0;
    for (var p = 0; p < pattern.length && i < d.length; p++) {
      out += pattern[p] === "9" ? d[i++] : pattern[p];
    }
    return out;
  }

  var masks = {
    document: function (v) {
      var d = digits(v, 14);
      return d.length <= 11 ? apply(d, "999.999.999-99") : apply(d, "99.999.999/9999-99");
    },
    cep: function (v) { return apply(digits(v, 8), "99999-999"); },
    phone: function (v) {
      var d = digits(v, 11);
      return d.length <= 10 ? apply(d, "(99) 9999-9999") : apply(d, "(99) 99999-9999");
    }
  };

  function format(input) {
    var mask = masks[input.getAttribute("data-mask")];
    if (!mask) return;
    var atEnd = input.selectionStart === input.value.length;
    var next = mask(input.value);
    if (next !== input.value) {
      input.value = next;
      if (atEnd) input.setSelectionRange(next.length, next.length);
    }
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("input[data-mask]")) format(event.target);
  });

  function formatAll(root) {
    (root || document).querySelectorAll("input[data-mask]").forEach(format);
  }
  document.addEventListener("DOMContentLoaded", function () { formatAll(document); });
  document.addEventListener("htmx:load", function (event) { formatAll(event.target); });
})();
