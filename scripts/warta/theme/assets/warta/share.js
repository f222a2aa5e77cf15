/* Warta: the "Salin tautan" (copy link) button of an item page's "Bagikan" row.
   Without this script the page's address stays visible and selectable in its field; with
   it, a button copies the address. No request leaves the page. */
(function () {
  "use strict";
  var buttons = document.querySelectorAll("button[data-warta-copy]");
  Array.prototype.forEach.call(buttons, function (button) {
    var field = document.getElementById(button.getAttribute("data-warta-copy"));
    if (!field) {
      return;
    }
    var status = button.parentNode.querySelector(".warta-share__status");
    function say(text) {
      if (status) {
        status.textContent = text;
      }
    }
    function fallback() {
      field.focus();
      field.select();
      var done = false;
      try {
        done = document.execCommand("copy");
      } catch (e) {
        done = false;
      }
      say(done ? "Tautan disalin." : "Tekan Ctrl+C untuk menyalin tautan.");
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(field.value).then(function () {
          say("Tautan disalin.");
        }, fallback);
      } else {
        fallback();
      }
    });
    field.addEventListener("focus", function () {
      field.select();
    });
  });
})();
