// The live board: what htmx and its SSE extension do not do by themselves.
// Everything here is an improvement on top of plain forms; the board works without it.
(function () {
  "use strict";
  if (!window.htmx) return;
  var board = document.getElementById("board");
  if (!board) return;

  // Answers with a form's errors (400) or a conflict (409) are meant to be shown.
  htmx.config.responseHandling = [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "400|409", swap: true, error: false },
    { code: "[45]..", swap: false, error: true }
  ];

  // The newest board version this view shows. A new stream, or a poll, asks for what came after.
  var version = Number(board.dataset.version || 0);
  // This page's own name, on its stream and on its requests: the server does not send a change
  // back to the page that made it (the page has it from the answer to its request).
  var viewName = "v" + Math.random().toString(36).slice(2) + Date.now().toString(36);
  document.body.addEventListener("htmx:configRequest", function (e) {
    e.detail.headers["X-Tavle-View"] = viewName;
  });

  // Hostile networks: a stream silent for two heartbeats is dead or held back by a proxy, and is
  // replaced; after a few such in a row, poll ?since=<version> and try a stream now and then.
  var eventsUrl = board.dataset.events;
  var screen = board.dataset.screen ? "&screen=" + board.dataset.screen : "";
  var beatMs = Number(board.dataset.heartbeat || 15) * 1000;
  var FAILURES_TO_POLL = 3;
  var POLL_MS = 3000;
  var PROBE_MS = Math.max(10000, 4 * beatMs);
  var stream = null;
  var heard = false;
  var lastHeard = Date.now();
  var failures = 0;
  var polling = 0;
  var probing = 0;
  var reopening = 0;
  var pollBusy = false;

  function ended() {
    return !board.isConnected; // The server's farewell replaced the board.
  }

  function setState(state) {
    if (!ended()) board.dataset.live = state;
  }

  function connect() {
    clearTimeout(reopening);
    if (stream) stream.close();
    if (ended() || navigator.onLine === false) { stream = null; return; }
    var url = eventsUrl + "?since=" + version + "&view=" + viewName + screen;
    var mine = stream = new EventSource(url, { withCredentials: true });
    heard = false;
    lastHeard = Date.now();
    if (!polling) setState("connecting");
    mine.addEventListener("beat", function () { if (mine === stream) hear(); });
    mine.addEventListener("board", function (e) {
      if (mine !== stream) return;
      hear();
      receive(e.data, Number(e.lastEventId || 0));
    });
    mine.onerror = function () {
      if (mine !== stream) return;
      if (ended()) { stop(); return; }
      if (!heard) failed();
      heard = false;
      lastHeard = Date.now();
      if (!polling) setState("connecting");
      if (mine.readyState === EventSource.CLOSED) {
        stream = null;
        if (!polling) reopening = setTimeout(connect, 1000);
      }
    };
  }

  function hear() {
    lastHeard = Date.now();
    if (heard) return;
    heard = true;
    failures = 0;
    if (polling) stopPolling();
    setState("stream");
  }

  function failed() {
    failures += 1;
    if (failures >= FAILURES_TO_POLL && !polling) startPolling();
  }

  function close() {
    clearTimeout(reopening);
    if (stream) stream.close();
    stream = null;
  }

  function stop() {
    close();
    stopPolling();
  }

  function startPolling() {
    close();
    setState("polling");
    poll();
    polling = setInterval(poll, POLL_MS);
    probing = setInterval(connect, PROBE_MS);
  }

  function stopPolling() {
    clearInterval(polling);
    clearInterval(probing);
    polling = probing = 0;
  }

  function poll() {
    if (pollBusy || ended() || navigator.onLine === false) return;
    pollBusy = true;
    var url = board.dataset.board + "?since=" + version + screen;
    fetch(url, { headers: { "HX-Request": "true", "X-Tavle-View": viewName }, credentials: "same-origin", cache: "no-store" })
      .then(function (answer) {
        var away = answer.headers.get("HX-Redirect");
        if (away) { stop(); location.href = away; return ""; }
        if (answer.redirected || answer.status === 404) { stop(); location.reload(); return ""; }
        if (answer.status !== 200) return "";
        var at = Number(answer.headers.get("X-Tavle-Version") || 0);
        return answer.text().then(function (html) { receive(html, at); });
      })
      .catch(function () { /* offline for now: the next poll tries again */ })
      .then(function () { pollBusy = false; });
  }

  function reconnect() {
    if (polling) { poll(); return; }
    connect();
  }

  setInterval(function () {
    if (document.hidden || ended() || navigator.onLine === false) return;
    if (!stream || Date.now() - lastHeard <= 2 * beatMs) return;
    failed();
    if (polling) close(); else connect();
  }, 1000);

  // Phones end streams in background tabs, and may keep a dead one looking open: after a
  // while away, or coming back online, start a fresh stream that catches up from `version`.
  var hiddenAt = 0;
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) { hiddenAt = Date.now(); return; }
    lastHeard = Date.now();
    if (!stream || stream.readyState !== EventSource.OPEN || Date.now() - hiddenAt > 10000) reconnect();
  });
  // Offline, trying again would only count as failures.
  window.addEventListener("offline", close);
  window.addEventListener("online", reconnect);
  window.addEventListener("pageshow", function (e) { if (e.persisted) reconnect(); });

  // While a card is being dragged, or one of the board's own requests is on the wire, hold
  // live updates back and apply them after. htmx finds an answer's out-of-band parts through
  // the form that sent it: a live update that replaced that form meanwhile would make the
  // answer's parts (the undo button among them) land nowhere.
  var dragging = false;
  var waiting = 0;
  var waitingSince = 0;
  var held = [];
  function holding() {
    // A request that never reports back must not stop live updates for good.
    if (waiting && Date.now() - waitingSince > 15000) waiting = 0;
    return dragging || waiting > 0;
  }
  // One live update (from the stream or a poll): out-of-band parts of the board.
  function receive(html, at) {
    if (at > version) version = at;
    if (!html) return;
    htmx.trigger(document.body, "tavle:live", { data: html });
    if (holding()) { held.push(html); return; }
    htmx.swap("#board-sink", html, { swapStyle: "none" });
    if (ended()) stop();
  }
  function releaseHeld() {
    if (holding()) return;
    var pending = held; held = [];
    pending.forEach(function (html) { htmx.swap("#board-sink", html, { swapStyle: "none" }); });
  }
  board.addEventListener("htmx:beforeRequest", function () {
    if (!waiting) waitingSince = Date.now();
    waiting += 1;
  });
  // When the sending form was replaced by its own answer, htmx reports on its nearest parent
  // still on the page, so this is heard once per request either way.
  board.addEventListener("htmx:afterRequest", function () {
    waiting = Math.max(0, waiting - 1);
    releaseHeld();
  });

  // Never let an older copy of a part of the board replace a newer one (answers and live
  // events can cross on the wire). Keep open menus open across the swap.
  var reopen = [];
  document.body.addEventListener("htmx:oobBeforeSwap", function (e) {
    var target = e.detail.target;
    var incoming = e.detail.fragment && (e.detail.fragment.firstElementChild || e.detail.fragment);
    var have = Number(target.dataset && target.dataset.version);
    var got = Number(incoming && incoming.dataset && incoming.dataset.version);
    if (have && got && got < have) { e.detail.shouldSwap = false; return; }
    reopen = Array.prototype.map.call(target.querySelectorAll("details[open][id]"), function (d) { return d.id; });
  });
  document.body.addEventListener("htmx:oobAfterSwap", function () {
    reopen.forEach(function (id) { var d = document.getElementById(id); if (d) d.open = true; });
    setUp();
  });
  document.body.addEventListener("htmx:afterSettle", setUp);

  // The server says where focus belongs after an action made from the keyboard.
  document.body.addEventListener("tavle:focus", function (e) {
    var el = document.querySelector(e.detail.value);
    if (el) el.focus();
  });

  // Dragging by the handle, with touch or mouse. The buttons in each card's menu do the same.
  function setUp() {
    if (!window.Sortable) return;
    document.querySelectorAll(".board-cards").forEach(function (list) {
      if (list.dataset.sortable) return;
      list.dataset.sortable = "1";
      Sortable.create(list, {
        group: "board",
        handle: ".board-handle",
        animation: 120,
        onStart: function () { dragging = true; },
        onEnd: function (evt) {
          dragging = false;
          var card = evt.item;
          if (evt.from === evt.to && evt.oldIndex === evt.newIndex) { releaseHeld(); return; }
          htmx.ajax("POST", card.dataset.move, {
            source: card,
            target: "#board-live",
            swap: "innerHTML",
            values: {
              status: evt.to.dataset.status,
              position: evt.newIndex,
              from_status: card.dataset.status,
              from_position: card.dataset.position,
              via: "drag",
              // One drag, one change: sent again (a retry), it is not made twice.
              idempotency_key: "k" + Math.random().toString(36).slice(2) + Date.now().toString(36)
            }
          }).then(releaseHeld, releaseHeld);
        }
      });
    });
    var undo = document.querySelector(".board-undo-form:not([data-timed])");
    if (undo) {
      undo.dataset.timed = "1";
      setTimeout(function () {
        function hide() { undo.hidden = true; }
        // Never from under a keyboard: the bar goes when focus has left it.
        if (undo.contains(document.activeElement)) undo.addEventListener("focusout", hide, { once: true });
        else hide();
      }, Number(undo.dataset.undoSeconds || 30) * 1000);
    }
  }
  setUp();
  connect();
})();
