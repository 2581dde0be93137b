// Billable services form: show the columns of the chosen kind of service (a column with a
// value or an error stays visible).
(function () {
  const form = document.getElementById("service-form");
  if (!form) return;
  const kind = form.querySelector("[name=kind]");
  function sync() {
    form.querySelectorAll(".js-kind").forEach(function (col) {
      const show = col.classList.contains("js-" + kind.value);
      const input = col.querySelector("input");
      const hasError = col.querySelector(".is-invalid, .invalid-feedback");
      col.style.display = show || (input && input.value) || hasError ? "" : "none";
    });
  }
  kind.addEventListener("change", sync);
  sync();
})();
