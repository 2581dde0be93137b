// Case form: "add an applicant" appends an empty applicant form (up to the formset's maximum).
(function () {
  const total = document.getElementById("id_applicants-TOTAL_FORMS");
  const button = document.getElementById("add-applicant");
  if (!total || !button) return;
  const max = parseInt(document.getElementById("id_applicants-MAX_NUM_FORMS").value, 10);
  const refresh = () => { button.hidden = parseInt(total.value, 10) >= max; };
  button.addEventListener("click", () => {
    const index = parseInt(total.value, 10);
    if (index >= max) return;
    const html = document.getElementById("applicant-template").innerHTML.replace(/__prefix__/g, index);
    document.getElementById("applicant-forms").insertAdjacentHTML("beforeend", html);
    total.value = index + 1;
    refresh();
  });
  refresh();
})();
