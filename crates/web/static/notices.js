// Keeps the console's notice badge current from the server's event stream.
// Without this script (or without EventSource) the badge is still right on every page load.
(function () {
  "use strict";
  var link = document.querySelector("a[data-notice-events]");
  if (!link || !window.EventSource) {
    return;
  }
  var badge = link.querySelector(".notice-badge");
  var spoken = link.querySelector(".visually-hidden");
  var source = new EventSource(link.getAttribute("data-notice-events"));
  source.addEventListener("pending", function (event) {
    var n = parseInt(event.data, 10);
    if (isNaN(n) || n < 0) {
      return;
    }
    badge.textContent = String(n);
    badge.hidden = n === 0;
    spoken.textContent = n === 0
      ? link.getAttribute("data-none")
      : link.getAttribute("data-some").replace("{n}", String(n));
  });
})();
