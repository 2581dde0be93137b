// Payment form: show the fields of the chosen category (a creditor for a dividend, a
// beneficiary otherwise).
(function () {
  var form = document.getElementById("payment-form");
  if (!form) { return; }
  var category = form.querySelector("[name=category]");
  function show(name, visible) {
    var block = document.getElementById("div_id_" + name);
    if (block) { block.style.display = visible ? "" : "none"; }
  }
  function update() {
    var value = category.value;
    var dividend = value === "dividend";
    show("creditor", dividend);
    show("beneficiary_name", !dividend);
    show("beneficiary_iban", !dividend);
    show("beneficiary_bic", !dividend);
    show("standing_order", value === "living_allowance");
    show("authorisation", value === "exceptional_expense");
  }
  category.addEventListener("change", update);
  update();
})();
