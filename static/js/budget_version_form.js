// Budget form: the "add a line" buttons (data-add="<formset prefix>") append an empty line.
(function () {
  document.querySelectorAll("[data-add]").forEach(function (button) {
    const prefix = button.dataset.add;
    button.addEventListener("click", function () {
      const total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
      const index = parseInt(total.value, 10);
      const html = document.getElementById(prefix + "-template").innerHTML.replace(/__prefix__/g, index);
      document.getElementById(prefix + "-rows").insertAdjacentHTML("beforeend", html);
      total.value = index + 1;
    });
  });
})();
