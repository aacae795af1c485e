// The outbox on the page: a change made without a connection (an htmx request, or a plain form)
// is kept (outbox_store.js) instead of lost, shown where it was made as "waiting to be sent",
// counted in the header, and sent when the connection is back: by the service worker's
// Background Sync where the browser has it, else by this page when it goes online or is next
// opened. Every word shown comes from the server, in the person's language (#outbox's data-*).
(function () {
  "use strict";
  var root = document.getElementById("outbox");
  if (!root || !window.indexedDB || !window.TavleOutbox) return;
  var store = window.TavleOutbox;
  var user = root.dataset.user;
  var token = root.dataset.csrf;
  var counter = document.getElementById("outbox-count");
  var panel = document.getElementById("outbox-list");
  var list = document.getElementById("outbox-items");
  // A change that went through says so for a while, then goes.
  var SHOW_SENT_MS = 15000;
  var STATUSES = ["todo", "doing", "done", "dropped"];

  function newKey() {
    return "o" + Math.random().toString(36).slice(2) + Date.now().toString(36);
  }

  function offline() {
    return navigator.onLine === false;
  }

  // -- keeping a change ---------------------------------------------------------------------------

  function keep(url, fields, elt, headers) {
    return store.all().then(function (changes) {
      var key = (headers && headers["Idempotency-Key"]) || fields.get("idempotency_key") || "";
      // One form sent twice while offline ("move up", twice) is two changes: the second gets a
      // key of its own, or the server would take it for a repeat of the first.
      var taken = changes.some(function (c) { return c.key === key; });
      if (!key || taken) key = newKey();
      fields.set("idempotency_key", key);
      var change = {
        user: user,
        url: url,
        body: encode(fields),
        key: key,
        token: (headers && headers["X-CSRF-Token"]) || fields.get("csrf_token") || token,
        page: location.pathname,
        anchor: anchorOf(elt),
        label: describe(elt, fields),
        state: "waiting",
        made: Date.now()
      };
      return store.put(change);
    }).then(function () {
      askForSync();
      render();
    });
  }

  function encode(fields) {
    var body = new URLSearchParams();
    fields.forEach(function (value, name) {
      if (typeof value === "string") body.append(name, value);
    });
    return body.toString();
  }

  function anchorOf(elt) {
    var card = elt && elt.closest && elt.closest(".card[id]");
    return card ? card.id : "";
  }

  // In the page's own words: the card (or the page's heading), the button, and what was typed.
  function describe(elt, fields) {
    var card = elt && elt.closest && elt.closest(".card");
    var title = (card && card.querySelector(".card-title")) || document.querySelector("main h1");
    var parts = [title ? title.textContent.trim() : ""];
    var button = elt && elt.tagName === "BUTTON" ? elt : null;
    if (button) parts.push(visibleText(button));
    ["what", "text", "value", "reason"].forEach(function (name) {
      var typed = String(fields.get(name) || "").trim();
      if (typed) parts.push("“" + typed + "”");
    });
    return parts.filter(Boolean).join(" · ");
  }

  function visibleText(button) {
    var copy = button.cloneNode(true);
    copy.querySelectorAll(".board-sr-only").forEach(function (hidden) { hidden.remove(); });
    return copy.textContent.trim();
  }

  function formFields(form, submitter) {
    var fields = new FormData(form);
    if (submitter && submitter.name) fields.set(submitter.name, submitter.value);
    return fields;
  }

  // htmx's requests: kept at once when the browser knows it is offline; kept after the fact when
  // the network failed under it (the same key then, as the request may have got through).
  // A request that only asks and changes nothing (the readability meter, [data-measure]) is
  // never a change to keep.
  function onlyAsks(elt) {
    return !!(elt && elt.closest && elt.closest("[data-measure]"));
  }

  document.addEventListener("htmx:beforeRequest", function (e) {
    var config = e.detail.requestConfig;
    if (!offline() || !config || config.verb === "get" || onlyAsks(e.detail.elt)) return;
    e.preventDefault();
    e.stopPropagation();
    keepRequest(config, e.detail.elt);
  }, true);
  document.addEventListener("htmx:sendError", function (e) {
    var config = e.detail.requestConfig;
    if (config && config.verb !== "get" && !onlyAsks(e.detail.elt)) keepRequest(config, e.detail.elt);
  });

  // Requests the network failed before this script was loaded (pwa.js kept them).
  (window.tavleEarlyErrors || []).forEach(function (detail) {
    if (detail.requestConfig && detail.requestConfig.verb !== "get" && !onlyAsks(detail.elt)) {
      keepRequest(detail.requestConfig, detail.elt);
    }
  });
  window.tavleEarlyErrors = null;

  function keepRequest(config, elt) {
    var fields = new FormData();
    config.formData.forEach(function (value, name) { fields.append(name, value); });
    var trigger = config.triggeringEvent && config.triggeringEvent.submitter;
    keep(config.path, fields, trigger || elt, config.headers);
  }

  // Plain forms (the rating form, …): kept instead of posted while offline.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (e.defaultPrevented || !offline() || (form.method || "").toLowerCase() !== "post") return;
    if (form.getAttribute("action") === "/logout") return;
    e.preventDefault();
    keep(form.getAttribute("action") || location.pathname, formFields(form, e.submitter), e.submitter || form, null);
  });

  // Signing out with changes still waiting asks first; what is signed out of is not sent later.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (form.getAttribute("action") !== "/logout" || form.dataset.confirmed) return;
    e.preventDefault();
    e.stopPropagation();
    store.all().then(function (changes) {
      var unsent = changes.filter(function (c) { return c.user === user && c.state === "waiting"; });
      if (unsent.length && !window.confirm(root.dataset.confirmSignOut)) return;
      return store.clear().then(function () {
        // Sent again as a submit, so what else happens at sign-out (pwa.js) still does.
        form.dataset.confirmed = "1";
        form.requestSubmit();
      });
    });
  }, true);

  // -- sending ------------------------------------------------------------------------------------

  function askForSync() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.sync) return registration.sync.register(store.TAG);
    }).catch(function () { /* no Background Sync here: the page sends when back online */ });
  }

  var flushing = null;
  function flush() {
    if (offline()) return Promise.resolve();
    if (!flushing) {
      flushing = store.flush(user, token).then(render, render).then(function () { flushing = null; });
    }
    return flushing;
  }

  window.addEventListener("online", flush);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", function (e) {
      if (e.data && e.data.type === "outbox") render();
    });
  }
  // Changes the server could not take for now (it failed, or asked to sign in): try again.
  setInterval(function () { if (Number(root.dataset.pending) > 0) flush(); }, 30000);

  // -- showing ------------------------------------------------------------------------------------

  function render() {
    return store.all().then(function (changes) {
      var now = Date.now();
      var mine = changes.filter(function (c) { return c.user === user; });
      var shown = mine.filter(function (c) {
        var old = c.state === "sent" && now - c.settled > SHOW_SENT_MS;
        if (old) store.remove(c.id);
        return !old;
      });
      var waiting = shown.filter(function (c) { return c.state === "waiting"; }).length;
      root.dataset.pending = String(waiting);
      // The mark that makes pwa.js load this script on the next page.
      try {
        if (shown.length) localStorage.setItem("tavle-outbox", "1");
        else localStorage.removeItem("tavle-outbox");
      } catch (error) { /* storage blocked: pwa.js loads the outbox on every page then */ }
      counter.hidden = waiting === 0;
      counter.textContent = root.dataset.count.replace("{n}", String(waiting));
      panel.hidden = shown.length === 0;
      list.textContent = "";
      document.querySelectorAll("[data-outbox-badge], .outbox-pending").forEach(function (el) { el.remove(); });
      shown.forEach(function (change) {
        list.appendChild(item(change));
        onThePage(change);
      });
      if (shown.some(function (c) { return c.state === "sent"; })) setTimeout(render, SHOW_SENT_MS);
    });
  }

  function stateText(change) {
    var name = "state" + change.state.charAt(0).toUpperCase() + change.state.slice(1);
    return root.dataset[name] || root.dataset.stateWaiting;
  }

  function badge(change) {
    var p = document.createElement("p");
    p.className = "outbox-badge outbox-" + change.state;
    p.dataset.outboxBadge = String(change.id);
    p.textContent = stateText(change);
    return p;
  }

  function item(change) {
    var li = document.createElement("li");
    li.className = "outbox-item";
    li.id = "outbox-item-" + change.id;
    var what = document.createElement("span");
    what.className = "outbox-what";
    what.textContent = change.label;
    li.appendChild(what);
    var state = document.createElement("span");
    state.className = "outbox-state outbox-" + change.state;
    state.textContent = stateText(change);
    li.appendChild(state);
    if (change.state === "conflict" || change.state === "refused") {
      var show = document.createElement("button");
      show.type = "button";
      show.className = "button-primary";
      show.textContent = root.dataset.show;
      show.addEventListener("click", function () { whatHappened(change); });
      li.appendChild(show);
    }
    return li;
  }

  // The board and plan as the worker kept them, with the waiting changes on top: a moved card
  // in its new column, a new card in "To do", each marked.
  function onThePage(change) {
    var fields = new URLSearchParams(change.body);
    var anchor = change.anchor && document.getElementById(change.anchor);
    var rated = /\/interventions\/(\d+)\/ratings$/.exec(change.url);
    if (!anchor && rated) anchor = document.getElementById("board-intervention-" + rated[1]);
    if (change.state === "waiting" && anchor && /\/move$/.test(change.url)) {
      var to = STATUSES.indexOf(fields.get("to")) >= 0 ? fields.get("to") : fields.get("status");
      var column = to && document.getElementById("column-" + to);
      if (column && anchor.parentElement !== column) column.appendChild(anchor);
    }
    if (change.state === "waiting" && /\/agreements$/.test(change.url)) {
      var todo = document.getElementById("column-todo");
      if (todo) {
        var card = document.createElement("li");
        card.className = "card board-card outbox-pending";
        var title = document.createElement("p");
        title.className = "card-title";
        title.textContent = fields.get("what") || "";
        card.appendChild(title);
        card.appendChild(badge(change));
        todo.appendChild(card);
      }
      return;
    }
    if (anchor) anchor.appendChild(badge(change));
  }

  // A change the server would not take as it stood: the person sees the server's own answer,
  // the same page as online (the conflict with their text kept, or the form with its errors).
  // The same key and fields make it the kept first answer: nothing is done a second time.
  function whatHappened(change) {
    var form = document.createElement("form");
    form.method = "post";
    form.action = change.url;
    form.hidden = true;
    new URLSearchParams(change.body).forEach(function (value, name) {
      if (name !== "csrf_token" && name !== "idempotency_key") add(form, name, value);
    });
    add(form, "csrf_token", token);
    add(form, "idempotency_key", change.key);
    document.body.appendChild(form);
    store.remove(change.id).then(function () { form.submit(); });
  }

  function add(form, name, value) {
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    form.appendChild(input);
  }

  render().then(flush);
})();
