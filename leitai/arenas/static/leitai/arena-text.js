/* Leitai: text helpers shared by the arena pages (the screens and the judge's phone).
 *
 *   LeitaiText.esc(value)             HTML-escaped text ("" for null/undefined)
 *   LeitaiText.fmt(text, {name: v})   fills %(name)s placeholders, as the translations write them
 *
 * Plain ES2017, no modules, no build step (in-app browsers, plain-HTTP LAN addresses).
 */
(function () {
  "use strict";

  function esc(value) {
    return String(value == null ? "" : value)
      .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
  }

  function fmt(text, values) {
    return String(text).replace(/%\((\w+)\)s/g, function (whole, name) {
      return values && values[name] != null ? values[name] : whole;
    });
  }

  window.LeitaiText = { esc: esc, fmt: fmt };
})();
