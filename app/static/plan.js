// The plan pages: after htmx swaps a list (for example after moving a challenge up), keyboard
// focus goes back to the control the person used, which the server marks with data-focus.
(function () {
  "use strict";
  function focusMarked() {
    var target = document.querySelector("[data-focus]");
    if (target) {
      target.removeAttribute("data-focus");
      target.focus();
    }
  }
  document.addEventListener("htmx:afterSettle", focusMarked);
  document.addEventListener("DOMContentLoaded", focusMarked);
})();
