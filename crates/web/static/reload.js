// Reloads a page that is left up all day, such as the hall screen, every `data-seconds`
// of this script's tag. A script rather than <meta http-equiv="refresh">, which takes
// control from people who need longer to read; the meta stays only for browsers without
// script, inside <noscript>.
(function () {
  "use strict";
  var me = document.currentScript;
  var seconds = Number(me && me.getAttribute("data-seconds")) || 60;
  window.setTimeout(function () { window.location.reload(); }, seconds * 1000);
})();
