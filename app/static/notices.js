// My notices: turns Web Push on for this phone. The browser subscribes with the server's
// applicationServerKey, and the page's own form (with its CSRF token and idempotency key) sends
// the subscription; the server keeps it. Without a service worker or PushManager (a browser tab
// on iOS, a private window) the form stays hidden and the page says how to install Tavle first.
(function () {
  "use strict";
  var form = document.querySelector("[data-push-form]");
  if (!form || !("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    return;
  }
  var unsupported = document.querySelector("[data-push-unsupported]");
  if (unsupported) {
    unsupported.hidden = true;
  }
  form.hidden = false;

  function bytes(base64url) {
    var text = atob((base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/"));
    var out = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i += 1) {
      out[i] = text.charCodeAt(i);
    }
    return out;
  }

  form.addEventListener("submit", function (event) {
    if (form.elements.endpoint.value) {
      return; // filled in: this is the real submit
    }
    event.preventDefault();
    Notification.requestPermission()
      .then(function (permission) {
        if (permission !== "granted") {
          throw new Error("refused");
        }
        return navigator.serviceWorker.ready;
      })
      .then(function (registration) {
        return registration.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: bytes(form.dataset.key),
        });
      })
      .then(function (subscription) {
        var json = subscription.toJSON();
        form.elements.endpoint.value = json.endpoint;
        form.elements.p256dh.value = json.keys.p256dh;
        form.elements.auth.value = json.keys.auth;
        form.submit();
      })
      .catch(function () {
        var refused = document.querySelector("[data-push-refused]");
        if (refused) {
          refused.hidden = false;
        }
      });
  });

  // Turning notices off: this phone forgets its subscription too, not only the server.
  var off = document.querySelector("[data-push-off]");
  if (off) {
    off.addEventListener("submit", function () {
      navigator.serviceWorker.ready.then(function (registration) {
        return registration.pushManager.getSubscription();
      }).then(function (subscription) {
        return subscription && subscription.unsubscribe();
      }).catch(function () {});
    });
  }
})();
