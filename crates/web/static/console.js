// The staff console's small helpers, each an enhancement of a page that works without it.
//
// Select all: a box, hidden until this script shows it, that ticks or clears every row's
// box of its form's list ([data-select-all] names the boxes by their `name`). Without the
// script the per-row boxes work as they are.
(function () {
  "use strict";
  function boxes(all) {
    var form = all.form;
    if (!form) { return []; }
    var name = all.getAttribute("data-select-all");
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.type === "checkbox" && el.name === name && el !== all;
    });
  }
  function sync(all) {
    var list = boxes(all);
    var ticked = list.filter(function (b) { return b.checked; }).length;
    all.checked = list.length > 0 && ticked === list.length;
    all.indeterminate = ticked > 0 && ticked < list.length;
  }
  function setUp(all) {
    var holder = all.closest("[hidden]");
    if (holder) { holder.hidden = false; }
    all.hidden = false;
    all.addEventListener("change", function () {
      boxes(all).forEach(function (b) { b.checked = all.checked; });
    });
    boxes(all).forEach(function (b) {
      b.addEventListener("change", function () { sync(all); });
    });
    sync(all);
  }
  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("input[data-select-all]"), setUp);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
