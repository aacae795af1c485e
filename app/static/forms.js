// After a form was refused (issue 21 item 7): the page keeps its own address, and the person
// lands on the first field in error. Plain forms work without this; it only makes them kinder.
(function () {
  "use strict";

  // A refused form is answered with the page itself, at the address the form was sent to. The
  // page names its own address: put it back, which also makes a reload a plain GET instead of
  // sending the form again.
  var own = document.querySelector('meta[name="tavle-page-url"]');
  if (own && window.history && history.replaceState) {
    history.replaceState(null, "", own.content + location.hash);
  }

  // A field, or the first choice in a group of them (a fieldset of radio buttons).
  function focusable(el) {
    if (!el) return null;
    if (el.matches("input, select, textarea, button")) return el;
    return el.querySelector("input:checked") ||
      el.querySelector("input:not([type=hidden]), select, textarea") || el;
  }

  function land(el) {
    var field = focusable(el);
    if (!field) return;
    // The label and message above a field belong with it: keep them in view too.
    field.scrollIntoView({ block: "center" });
    field.focus({ preventScroll: true });
  }

  // The first field in error, in page order: a field marked invalid, or the field (or group of
  // choices) that a message under it describes.
  function firstInvalid(root) {
    var marks = root.querySelectorAll('[aria-invalid="true"], .field-error[id]');
    for (var i = 0; i < marks.length; i++) {
      var mark = marks[i];
      if (!mark.classList.contains("field-error")) return mark;
      var described = root.querySelector('[aria-describedby~="' + mark.id + '"]');
      if (described) return described;
    }
    return null;
  }

  // A form refused as a whole (a wrong code or PIN) has no field in error: its summary, then.
  var main = document.querySelector("main") || document.body;
  if (own) land(firstInvalid(main) || main.querySelector(".error-summary[tabindex]"));

  // The summary's links go to the fields: on the field, not only next to it.
  document.addEventListener("click", function (e) {
    var link = e.target.closest && e.target.closest('.error-summary a[href^="#"]');
    if (!link) return;
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (!target) return;
    e.preventDefault();
    land(target);
  });
})();
