// The navigation's search box: "/" focuses it; while the suggestions are open, the arrow keys
// move among them, Enter opens the highlighted one, Escape closes them. Served from static
// (no inline script: Content-Security-Policy).
(function () {
  "use strict";
  function box() { return document.getElementById("nav-search-q"); }
  function panel() { return document.getElementById("nav-search-suggestions"); }
  function hits() { return Array.prototype.slice.call(panel().querySelectorAll(".search-hit")); }
  function move(step) {
    var items = hits();
    if (!items.length) { return; }
    var index = items.indexOf(document.activeElement);
    index = index === -1 ? (step > 0 ? 0 : items.length - 1) : (index + step + items.length) % items.length;
    items[index].focus();
  }
  function close() { if (panel()) { panel().innerHTML = ""; } }
  document.addEventListener("keydown", function (event) {
    var input = box();
    if (!input) { return; }
    var typing = /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName) || document.activeElement.isContentEditable;
    if (event.key === "/" && !typing) { event.preventDefault(); input.focus(); input.select(); return; }
    var inside = input === document.activeElement || panel().contains(document.activeElement);
    if (!inside) { return; }
    if (event.key === "ArrowDown") { event.preventDefault(); move(1); }
    else if (event.key === "ArrowUp") { event.preventDefault(); move(-1); }
    else if (event.key === "Escape") { close(); input.focus(); }
  });
  document.addEventListener("click", function (event) {
    var input = box();
    if (input && panel() && !panel().contains(event.target) && event.target !== input) { close(); }
  });
})();
