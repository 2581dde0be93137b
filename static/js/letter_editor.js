// The letter editor (template page and compose page, issue 16): the buttons of the field menu
// ([data-insert-field="requerant"]) insert "[requerant]" where the cursor is, in the subject or
// the body (the last of the fields marked data-field-target that had the focus; the body by
// default); the "optional passage" button ([data-wrap-optional]) puts "<<" and ">>" around the
// selected text. Each insertion fires an "input" event, which refreshes the live preview (htmx).
// No inline script (Content-Security-Policy).
(function () {
  "use strict";
  var lastTarget = null;

  document.addEventListener("focusin", function (event) {
    var element = event.target;
    if (element && element.hasAttribute && element.hasAttribute("data-field-target")) {
      lastTarget = element;
    }
  });

  function targetFor(menu) {
    if (lastTarget && document.body.contains(lastTarget)) return lastTarget;
    var id = menu ? menu.getAttribute("data-default-target") : "id_body";
    return document.getElementById(id || "id_body");
  }

  function insert(target, before, after) {
    var start = target.selectionStart;
    var end = target.selectionEnd;
    if (typeof start !== "number") {
      start = end = target.value.length;
    }
    var selected = target.value.slice(start, end);
    target.focus();
    target.setRangeText(before + selected + after, start, end, "end");
    if (after) {
      // Inside the passage: the cursor waits after the selected text, before ">>".
      var caret = start + before.length + selected.length;
      target.setSelectionRange(caret, caret);
    }
    target.dispatchEvent(new Event("input", { bubbles: true }));
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-insert-field], [data-wrap-optional]");
    if (!button) return;
    var target = targetFor(button.closest("[data-field-menu]"));
    if (!target) return;
    event.preventDefault();
    if (button.hasAttribute("data-insert-field")) {
      insert(target, "[" + button.getAttribute("data-insert-field") + "]", "");
    } else {
      insert(target, "<<", ">>");
    }
  });

  // Buttons keep the focus on the text: a mouse press on a button does not take it away.
  document.addEventListener("mousedown", function (event) {
    if (event.target.closest("[data-insert-field], [data-wrap-optional]")) {
      event.preventDefault();
    }
  });
})();
