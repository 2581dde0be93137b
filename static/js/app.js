// Behaviours shared by every page, declared in the markup instead of inline handlers (the
// Content-Security-Policy allows no inline script):
// - data-confirm="question" on a button or link: asks before submitting / following it;
// - data-autosubmit on a form field: submits its form when the field changes;
// - data-fill-target="field id" and data-fill-value on a button: copies the value into that
//   field;
// - data-select-on-focus on a field: selects its text when it gets the focus (a URL to copy).
// Listeners are on the document, so content swapped in by htmx behaves the same.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-confirm]") : null;
    if (target && !window.confirm(target.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-fill-target]") : null;
    if (!button) return;
    var field = document.getElementById(button.getAttribute("data-fill-target"));
    if (field) field.value = button.getAttribute("data-fill-value");
  });
  document.addEventListener("focusin", function (event) {
    var field = event.target;
    if (field.hasAttribute && field.hasAttribute("data-select-on-focus") && field.select) {
      field.select();
    }
  });
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.hasAttribute && field.hasAttribute("data-autosubmit") && field.form) {
      field.form.submit();
    }
  });
})();
