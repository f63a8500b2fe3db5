/* 督查室工作台 — small enhancements only; every page works without this script. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Selects marked .autosubmit submit their form when changed (the form's button stays for no-JS use).
  document.querySelectorAll("select.autosubmit").forEach(function (sel) {
    sel.addEventListener("change", function () { sel.form.submit(); });
  });

  // Filter forms send only the fields that are filled in, so addresses stay short and shareable.
  document.querySelectorAll("form.filters[method=get]").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("input, select").forEach(function (el) {
        if (el.name && !el.value) { el.disabled = true; }
      });
    });
  });

  // The print button of the bulletin.
  document.querySelectorAll("button.print").forEach(function (b) {
    b.addEventListener("click", function () { window.print(); });
  });

  // A follow-up button is pressed once: disable it while the request is on its way.
  document.querySelectorAll("form.followup-form").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
    });
  });
})();
