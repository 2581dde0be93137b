// Contact forms: offer only the representatives of the chosen creditor.
(function () {
  var creditor = document.getElementById("id_creditor");
  var representative = document.getElementById("id_representative");
  if (!creditor || !representative) { return; }
  function sync() {
    representative.querySelectorAll("option[data-creditor]").forEach(function (option) {
      var other = option.dataset.creditor !== creditor.value;
      option.hidden = other;
      option.disabled = other;
      if (other && option.selected) { representative.value = ""; }
    });
    representative.querySelectorAll("optgroup").forEach(function (group) {
      group.hidden = !group.querySelector("option:not([hidden])");
    });
  }
  creditor.addEventListener("change", sync);
  sync();
})();
