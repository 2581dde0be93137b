// Living allowance form: the second payment day only for a twice-monthly allowance (or when
// it holds a value).
(function () {
  const form = document.getElementById("allowance-form");
  if (!form) return;
  const frequency = form.querySelector("[name=frequency]");
  function sync() {
    form.querySelectorAll(".js-twice").forEach(function (col) {
      const input = col.querySelector("input");
      col.style.display = frequency.value === "twice_monthly" || (input && input.value) ? "" : "none";
    });
  }
  frequency.addEventListener("change", sync);
  sync();
})();
