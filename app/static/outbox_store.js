// The phone's outbox: changes made without a connection, kept in IndexedDB until they are sent.
// Shared by the page (outbox.js) and the service worker (sw.js, which sends them on Background
// Sync where the browser has it). Each change keeps its idempotency key, so sending it twice,
// from the page and the worker at once or after a lost answer, still makes it once.
(function (scope) {
  "use strict";
  var DB = "tavle-outbox";
  var STORE = "changes";

  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "id", autoIncrement: true });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function run(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var request = work(tx.objectStore(STORE));
        tx.oncomplete = function () { db.close(); resolve(request ? request.result : undefined); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function all() { return run("readonly", function (store) { return store.getAll(); }); }
  function put(change) { return run("readwrite", function (store) { return store.put(change); }); }
  function remove(id) { return run("readwrite", function (store) { return store.delete(id); }); }
  function clear() { return run("readwrite", function (store) { return store.clear(); }); }

  // One change sent as its form was: same fields, same key. The server answers an outbox
  // request's redirect with 204 and X-Tavle-Location (a script cannot see where a redirect leads).
  // What comes back: "sent", "conflict" (409: the card changed meanwhile), "refused" (400 or
  // 404: it needs the person), or "waiting" (no network, sign in first, the page's token expired,
  // the server failed: try again later).
  function send(change, token) {
    return fetch(change.url, {
      method: "POST",
      body: change.body,
      credentials: "same-origin",
      redirect: "manual",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "Idempotency-Key": change.key,
        "X-CSRF-Token": token || change.token,
        "X-Tavle-Outbox": "1"
      }
    }).then(function (answer) {
      var where = answer.headers.get("X-Tavle-Location") || "";
      if (answer.status === 409) return "conflict";
      if (answer.status === 400 || answer.status === 404) return "refused";
      if (answer.status >= 200 && answer.status < 300) {
        return /^\/(login|account\/password)/.test(where) ? "waiting" : "sent";
      }
      return "waiting";
    }, function () { return "waiting"; });
  }

  // Sends every waiting change (of `user`, when given), oldest first, one at a time: a card made
  // offline and then moved must be made before it is moved. The page gives its own form token
  // (the person may have signed in anew since); the worker sends the one kept with the change,
  // which is bound to the sign-in it was made in, so it never goes out as someone else.
  function flush(user, token) {
    return all().then(function (changes) {
      var waiting = changes.filter(function (c) {
        return c.state === "waiting" && (!user || c.user === user);
      });
      return waiting.reduce(function (done, change) {
        return done.then(function () {
          return send(change, token).then(function (state) {
            if (state === "waiting") return;
            change.state = state;
            change.settled = Date.now();
            return put(change);
          });
        });
      }, Promise.resolve());
    });
  }

  scope.TavleOutbox = { all: all, put: put, remove: remove, clear: clear, flush: flush, TAG: "tavle-outbox" };
})(self);
