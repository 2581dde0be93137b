// Posting form: show the fields that belong to the chosen operation (the creditor of a
// dividend, the court authorisation of an exceptional expense, the standing-order flag of a
// living allowance). Without script every field stays visible; the server ignores the others.
// Changing the operation clears the messages of the previous attempt (they were about it).
(function () {
  "use strict";
  var form = document.getElementById("entry-form");
  if (!form) return;
  var select = form.querySelector("select[name=operation]");
  if (!select) return;
  function update() {
    form.querySelectorAll("[data-show-for]").forEach(function (block) {
      block.hidden = block.getAttribute("data-show-for") !== select.value;
    });
  }
  select.addEventListener("change", function () {
    form.querySelectorAll(".is-invalid").forEach(function (field) {
      field.classList.remove("is-invalid");
    });
    form.querySelectorAll(".invalid-feedback, .alert-danger").forEach(function (message) {
      message.hidden = true;
    });
    update();
  });
  update();
})();
