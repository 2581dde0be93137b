// Assigning an outgoing bank movement: show the fields of the chosen category.
(function () {
  var form = document.getElementById("assign-form");
  var category = form && form.querySelector("[name=category]");
  if (!category) { return; }
  function show(name, visible) {
    var block = document.getElementById("div_id_" + name);
    if (block) { block.style.display = visible ? "" : "none"; }
  }
  function update() {
    show("creditor", category.value === "dividend");
    show("authorisation", category.value === "exceptional_expense");
    show("standing_order", category.value === "living_allowance");
  }
  category.addEventListener("change", update);
  update();
})();
