// A form that came back with mistakes: focus moves to the list of them, so a screen reader
// reads it out and the keyboard starts there; each item of the list then puts the cursor
// in its field. Without this script the list and its links work the same, only unfocused.
(function () {
  "use strict";
  function start() {
    var summary = document.querySelector(".error-summary[tabindex='-1']");
    if (!summary) return;
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) return;
      var field = document.getElementById(link.getAttribute("href").slice(1));
      if (!field) return;
      event.preventDefault();
      field.focus();
      field.scrollIntoView({ block: "center" });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
