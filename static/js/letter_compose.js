// Letter composition: "check all" ticks every addressee of the case (or unticks them all).
document.getElementById("check-all")?.addEventListener("click", function () {
  const boxes = document.querySelectorAll("#case-addressees input[type=checkbox][value^=c]");
  const all = Array.from(boxes).every(b => b.checked);
  boxes.forEach(b => { b.checked = !all; });
});
