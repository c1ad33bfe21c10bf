// The people pickers' filter box (see `people_picker` in macros.html). Without this script
// the box stays hidden and the whole grouped list is there; with it, typing part of a unit,
// department or name hides everyone else. The script is included once per picker, so each
// box is set up only once.
(function () {
  "use strict";

  function matches(item, words) {
    var label = (item.getAttribute("data-people-label") || "").toLowerCase();
    return words.every(function (w) { return label.indexOf(w) !== -1; });
  }

  // A person already chosen stays in sight: a filter never hides a choice made.
  function chosen(item) {
    if (item.tagName === "OPTION") return item.selected;
    var box = item.querySelector("input");
    return Boolean(box && box.checked);
  }

  function setUp(box) {
    if (box.getAttribute("data-people-ready")) return;
    box.setAttribute("data-people-ready", "yes");
    var list = document.getElementById(box.getAttribute("data-people-filter"));
    var none = document.getElementById(box.getAttribute("data-people-filter") + "-none");
    if (!list) return;
    box.parentNode.hidden = false;
    function filter() {
      var words = box.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      list.querySelectorAll("[data-people-group]").forEach(function (group) {
        var inGroup = 0;
        group.querySelectorAll("[data-people-item]").forEach(function (item) {
          var show = chosen(item) || matches(item, words);
          item.hidden = !show;
          if (show) inGroup += 1;
        });
        group.hidden = inGroup === 0;
        shown += inGroup;
      });
      if (none) none.hidden = shown > 0;
    }
    // "change" too: a box emptied at once (by the browser, by a tool) sends only that.
    box.addEventListener("input", filter);
    box.addEventListener("change", filter);
  }

  function setUpAll() {
    document.querySelectorAll("[data-people-filter]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpAll);
  } else {
    setUpAll();
  }
})();
