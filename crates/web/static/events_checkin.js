// The door page's camera scanner: where the browser has BarcodeDetector and a camera, a
// "scan" button opens the camera, and the first QR code seen fills the code field and
// sends the form. Without it (or without this script) typing the code works the same.
(function () {
  "use strict";
  var form = document.getElementById("checkin-form");
  var input = document.getElementById("f-code");
  var button = document.getElementById("scan-start");
  var video = document.getElementById("scan-video");
  if (!form || !input || !button || !video) return;
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return;
  var detector;
  try {
    detector = new window.BarcodeDetector({ formats: ["qr_code"] });
  } catch (e) {
    return;
  }
  button.parentNode.hidden = false;
  var stream = null;
  var timer = null;

  function stop() {
    if (timer) { clearInterval(timer); timer = null; }
    if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); stream = null; }
    video.hidden = true;
    button.textContent = button.getAttribute("data-start");
  }

  function found(value) {
    stop();
    input.value = value;
    form.submit();
  }

  button.addEventListener("click", function () {
    if (stream) { stop(); return; }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (s) {
      stream = s;
      video.srcObject = s;
      video.hidden = false;
      button.textContent = button.getAttribute("data-stop");
      return video.play();
    }).then(function () {
      timer = setInterval(function () {
        if (!stream || video.readyState < 2) return;
        detector.detect(video).then(function (codes) {
          if (codes.length > 0 && codes[0].rawValue) found(codes[0].rawValue);
        }).catch(function () {});
      }, 250);
    }).catch(function () { stop(); });
  });
})();
