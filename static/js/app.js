// Behaviours shared by every page, declared in the markup instead of inline handlers (the
// Content-Security-Policy allows no inline script):
// - data-confirm="question" on a button or link: asks before submitting / following it;
// - data-autosubmit on a form field: submits its form when the field changes;
// - data-fill-target="field id" and data-fill-value on a button: copies the value into that
//   field;
// - data-select-on-focus on a field: selects its text when it gets the focus (a URL to copy);
// - data-busy="Génération du PDF…" on a link or a submit button that produces a PDF: once
//   clicked (and confirmed), it shows a spinner and that text and refuses a second click. A
//   link or button opening a new tab (target/formtarget="_blank") or a download comes back
//   when the user returns to this window or after BUSY_RESTORE_MS; a same-tab page load
//   replaces it anyway (issue 16, "long work shows progress").
// - data-load-error="message" (with data-load-retry="link text" and data-load-fallback="URL") on
//   an element htmx loads after the page (hx-trigger="load"): if that request fails (an error
//   status or no network), its spinner gives way to the message and a link to the fallback
//   page, instead of "Loading…" for ever.
// Listeners are on the document, so content swapped in by htmx behaves the same.
(function () {
  "use strict";
  var BUSY_RESTORE_MS = 8000;

  function opensElsewhere(element) {
    if (element.getAttribute("target") === "_blank") return true;
    if (element.getAttribute("formtarget") === "_blank") return true;
    if (element.hasAttribute("download")) return true;
    var form = element.form;
    return Boolean(form && form.getAttribute("target") === "_blank" &&
      !element.hasAttribute("formtarget"));
  }

  function busyRestore(element) {
    if (!element.busyContent) return;
    element.replaceChildren.apply(element, element.busyContent);
    element.busyContent = null;
    element.classList.remove("is-busy");
    element.removeAttribute("aria-busy");
    element.removeAttribute("aria-disabled");
    if (element.tagName === "BUTTON") element.disabled = false;
  }

  function busyStart(element) {
    var spinner = document.createElement("span");
    var label = document.createElement("span");
    spinner.className = "spinner-border spinner-border-sm me-1";
    spinner.setAttribute("aria-hidden", "true");
    label.setAttribute("role", "status");
    label.textContent = element.getAttribute("data-busy");
    element.busyContent = Array.prototype.slice.call(element.childNodes);
    element.replaceChildren(spinner, label);
    element.classList.add("is-busy");
    element.setAttribute("aria-busy", "true");
    element.setAttribute("aria-disabled", "true");
    if (element.tagName === "BUTTON") {
      // Disabled only after the form's data is taken: a disabled submitter would lose its
      // name and value (e.g. action=preview).
      window.setTimeout(function () { element.disabled = true; }, 0);
    }
    // Back when the user returns from the new tab or the download (a blur, then a focus), or
    // after a while; a same-tab page load replaces the page anyway.
    var blurred = false;
    function onBlur() { blurred = true; }
    function onFocus() { if (blurred) done(); }
    var timer = window.setTimeout(done, BUSY_RESTORE_MS);
    function done() {
      window.clearTimeout(timer);
      window.removeEventListener("blur", onBlur);
      window.removeEventListener("focus", onFocus);
      busyRestore(element);
    }
    if (opensElsewhere(element)) {
      window.addEventListener("blur", onBlur);
      window.addEventListener("focus", onFocus);
    }
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-busy]") : null;
    if (!link) return;
    if (link.classList.contains("is-busy")) {
      event.preventDefault();  // the PDF is already being produced
      return;
    }
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.shiftKey) return;
    busyStart(link);
  });
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (!button || !button.hasAttribute("data-busy") || event.defaultPrevented) return;
    if (button.classList.contains("is-busy")) {
      event.preventDefault();
      return;
    }
    busyStart(button);
  });
  // Back from the browser's cache (the back button): nothing is being produced any more.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    document.querySelectorAll(".is-busy[data-busy]").forEach(busyRestore);
  });
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
  function loadFailed(event) {
    var element = event.detail && event.detail.elt;
    if (!element || !element.hasAttribute("data-load-error")) return;
    element.removeAttribute("aria-busy");
    element.removeAttribute("hx-trigger");
    var spinner = element.querySelector(".spinner-border");
    if (spinner) spinner.remove();
    var status = element.querySelector("[role=status]") || element;
    status.textContent = element.getAttribute("data-load-error") + " ";
    var link = document.createElement("a");
    link.href = element.getAttribute("data-load-fallback") || window.location.href;
    link.textContent = element.getAttribute("data-load-retry") || link.href;
    status.appendChild(link);
  }
  document.addEventListener("htmx:responseError", loadFailed);
  document.addEventListener("htmx:sendError", loadFailed);
})();
