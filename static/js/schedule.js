/* Planning: opens the shift dialog that htmx loads, closes it, and ticks
   "ends next day" when the end time is not after the start time. No inline
   scripts (CSP); everything is delegated from the document. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function dialog() {
    return document.getElementById("shift-dialog");
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    var box = dialog();
    if (!box || !box.contains(event.detail.target)) return;
    if (!box.open) box.showModal();
    var first = box.querySelector(".has-error input, .has-error select, .has-error textarea") ||
      box.querySelector("select, input:not([type=hidden]), textarea");
    if (first && event.detail.target.id === "shift-dialog-body") first.focus();
  });

  /* After a save was refused, bring the first field with an error into view. */
  document.addEventListener("htmx:afterSettle", function (event) {
    var box = dialog();
    var config = event.detail.requestConfig;
    if (!box || !box.open || !config || config.verb !== "post" || /kontroll/.test(config.path)) return;
    /* A missing reason (V4) is fixed in its reason box, below the fields. */
    var field = box.querySelector("#shift-findings [aria-invalid=true]") ||
      box.querySelector(".has-error input, .has-error select, .form-errors, .has-error textarea");
    if (field) {
      field.scrollIntoView({block: "center"});
      if (field.focus) field.focus();
    }
  });

  document.addEventListener("click", function (event) {
    var closer = event.target.closest("[data-close-dialog]");
    var box = dialog();
    if (!closer || !box || !box.contains(closer)) return;
    event.preventDefault();
    box.close();
  });

  document.addEventListener("close", function (event) {
    if (event.target.id !== "shift-dialog") return;
    var body = document.getElementById("shift-dialog-body");
    if (body) body.innerHTML = "";
  }, true);

  function minutes(value) {
    var parts = (value || "").split(":");
    if (parts.length < 2) return null;
    return parseInt(parts[0], 10) * 60 + parseInt(parts[1], 10);
  }

  /* Runs in the capture phase, before htmx sends the live check. */
  function syncNextDay(event) {
    var target = event.target;
    if (!target.form) return;
    var next = target.form.querySelector("input[name=ends_next_day]");
    if (!next) return;
    if (target === next) {
      next.dataset.touched = "1";
      return;
    }
    if (target.name !== "start_time" && target.name !== "end_time") return;
    if (next.dataset.touched) return;
    var start = minutes(target.form.querySelector("input[name=start_time]").value);
    var end = minutes(target.form.querySelector("input[name=end_time]").value);
    if (start === null || end === null) return;
    next.checked = end <= start;
  }
  document.addEventListener("change", syncNextDay, true);
  document.addEventListener("input", syncNextDay, true);
})();
