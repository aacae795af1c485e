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

  // The newest board version this view shows. A new stream asks for what came after it.
  var version = Number(board.dataset.version || 0);
  // This page's own name, on its stream and on its requests: the server does not send a change
  // back to the page that made it (the page has it from the answer to its request).
  var viewName = "v" + Math.random().toString(36).slice(2) + Date.now().toString(36);
  htmx.createEventSource = function (url) {
    var next = url.replace(/([?&])since=\d*/, "$1since=" + version) + "&view=" + viewName;
    return new EventSource(next, { withCredentials: true });
  };
  document.body.addEventListener("htmx:configRequest", function (e) {
    e.detail.headers["X-Tavle-View"] = viewName;
  });

  function source() {
    var data = board["htmx-internal-data"];
    return data && data.sseEventSource;
  }

  // Reconnect at once: the extension reopens a CLOSED source (with ?since=version) in 0.5 s.
  function reconnect() {
    var es = source();
    if (!es || !es.onerror) return;
    es.close();
    es.onerror(new Event("error"));
  }

  // Phones end streams in background tabs, and may keep a dead one looking open: after a
  // while away, or coming back online, start a fresh stream that catches up from `version`.
  var hiddenAt = 0;
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) { hiddenAt = Date.now(); return; }
    var es = source();
    if (!es || es.readyState !== EventSource.OPEN || Date.now() - hiddenAt > 10000) reconnect();
  });
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
  document.body.addEventListener("htmx:sseBeforeMessage", function (e) {
    var id = Number(e.detail.lastEventId || 0);
    if (holding()) { e.preventDefault(); held.push(e.detail.data); }
    if (id > version) version = id;
  });
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
})();
