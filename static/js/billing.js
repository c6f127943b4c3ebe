// Month-end pages: ask before a signature is given, and after an htmx swap of
// a board row move the focus to its new message, so keyboard and screen-reader
// users learn what happened. Loaded as a file (the CSP allows no inline script).
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.confirm) return;
    if (!window.confirm(form.dataset.confirm)) event.preventDefault();
  });

  // A page answered with a refusal (without htmx) opens at the field concerned.
  document.addEventListener("DOMContentLoaded", function () {
    var focus = document.querySelector("main [data-focus]");
    if (focus) focus.focus();
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.elt;
    var root = target && target.isConnected ? target : document;
    var focus = root.querySelector ? root.querySelector("[data-focus]") : null;
    if (!focus) {
      var id = target && target.id;
      var fresh = id ? document.getElementById(id) : null;
      focus = fresh ? fresh.querySelector("[data-focus]") : null;
    }
    if (focus) focus.focus();
  });
})();
