// A half-written message survives a reload (and the phone closing the tab): it is kept in this
// browser, under the thread and the person, until the server has the message. Live updates
// never touch the form, only the list of messages above it.
(function () {
  "use strict";
  var form = document.getElementById("message-form");
  if (!form) return;
  var box = form.querySelector("textarea[name=body]");
  var key = form.getAttribute("data-draft");
  var store = null;
  try { store = window.localStorage; } catch (e) { store = null; }
  if (!box || !key || !store) return;
  if (form.getAttribute("data-sent") === "yes") {
    // The page after a message was sent: the draft is the message, now saved.
    store.removeItem(key);
    // A reload from here on must not throw away the next draft.
    if (window.history.replaceState) {
      window.history.replaceState(null, "", window.location.pathname + window.location.hash);
    }
  } else if (!box.value) {
    var kept = store.getItem(key);
    if (kept) box.value = kept;
  }
  box.addEventListener("input", function () {
    if (box.value) store.setItem(key, box.value);
    else store.removeItem(key);
  });
})();

// Mark when the thread's live stream is open, so people (and tests) can tell it is live.
document.addEventListener("htmx:sseOpen", function (event) {
  var source = event.target.closest && event.target.closest("#conversation");
  if (source) source.setAttribute("data-live", "open");
});
document.addEventListener("htmx:sseError", function (event) {
  var source = event.target.closest && event.target.closest("#conversation");
  if (source) source.setAttribute("data-live", "closed");
});
