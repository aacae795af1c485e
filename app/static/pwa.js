// Installs Tavle's service worker (/sw.js), tells it the page's language (so its offline page
// speaks it), and shows the board's "Offline — last updated …" notice when the worker answered
// this page from its copy. The notice and its time are rendered by the server; this only shows it.
(function () {
  "use strict";
  loadOutboxWhenNeeded();
  if (!("serviceWorker" in navigator)) {
    return;
  }
  var workers = navigator.serviceWorker;

  function showOfflineNotice() {
    var notice = document.querySelector("[data-offline-notice]");
    if (notice) {
      notice.hidden = false;
    }
  }

  workers.addEventListener("message", function (event) {
    if (event.data && event.data.type === "offline-copy") {
      showOfflineNotice();
    }
  });
  if (workers.controller) {
    workers.controller.postMessage({ type: "page", lang: document.documentElement.lang });
  }
  if (navigator.onLine === false) {
    showOfflineNotice();
  }
  // After the page's own files, so installing never slows the first visit down.
  window.addEventListener("load", function () {
    workers.register("/sw.js", { scope: "/" }).catch(function () {
      // No worker (a private window, or blocked by policy): Tavle works as a plain website.
    });
  });

  // outbox.js only when needed: offline, changes waiting (its mark), a failed request.
  function loadOutboxWhenNeeded() {
    var outbox = document.getElementById("outbox");
    if (!outbox) {
      return;
    }
    window.tavleEarlyErrors = [];
    function load() {
      if (outbox.dataset.loaded) {
        return;
      }
      outbox.dataset.loaded = "1";
      outbox.dataset.scripts.split(" ").reduce(function (before, src) {
        return before.then(function () {
          return new Promise(function (done) {
            var css = /\.css\?/.test(src);
            var file = document.createElement(css ? "link" : "script");
            if (css) {
              file.rel = "stylesheet";
              file.href = src;
            } else {
              file.src = src;
            }
            file.onload = file.onerror = done;
            document.head.appendChild(file);
          });
        });
      }, Promise.resolve());
    }
    var marked = false;
    try {
      marked = Boolean(localStorage.getItem("tavle-outbox"));
    } catch (error) {
      marked = true;
    }
    if (marked || navigator.onLine === false) {
      load();
    }
    window.addEventListener("offline", load);
    document.addEventListener("htmx:sendError", function (event) {
      if (window.tavleEarlyErrors) {
        window.tavleEarlyErrors.push(event.detail);
      }
      load();
    });
  }
})();

(function () {
  "use strict";
  // Signing out leaves no half-written message behind on a shared phone (conversation.js keeps
  // them under "tavle-draft:").
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || form.getAttribute("action") !== "/logout") return;
    try {
      var store = window.localStorage;
      for (var i = store.length - 1; i >= 0; i--) {
        var key = store.key(i);
        if (key && key.indexOf("tavle-draft:") === 0) store.removeItem(key);
      }
    } catch (e) {
      // No storage: nothing was kept.
    }
  });
})();
