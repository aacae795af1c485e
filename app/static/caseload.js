// The caseload overview's live stream: mark when it is open, so people (and tests) can tell
// the list is live. Everything else is htmx-ext-sse; the page works without this file.
document.addEventListener("htmx:sseOpen", (event) => {
  const source = event.target.closest("[sse-connect]");
  if (source) source.dataset.live = "open";
});
document.addEventListener("htmx:sseError", (event) => {
  const source = event.target.closest("[sse-connect]");
  if (source) source.dataset.live = "closed";
});

// A live update replaces the whole list. A consultant half-way through planning a meeting keeps
// the open form, what they typed and their place in it.
let kept = null;
document.addEventListener("htmx:sseBeforeMessage", (event) => {
  const rows = document.getElementById("caseload-rows");
  if (!rows || !rows.contains(event.target)) return;
  const active = document.activeElement;
  kept = {
    // Each open <details> by its row and its place in the row (a row has more than one).
    open: [...rows.querySelectorAll("details[open]")].map((d) => {
      const row = d.closest("[id]");
      return [row.id, [...row.querySelectorAll("details")].indexOf(d)];
    }),
    values: [...rows.querySelectorAll("input[id]:not([type=hidden])")]
      .filter((input) => input.value !== input.defaultValue)
      .map((input) => [input.id, input.value]),
    focus: active && rows.contains(active) && active.id ? active.id : null,
  };
});
document.addEventListener("htmx:sseMessage", (event) => {
  const rows = document.getElementById("caseload-rows");
  if (!kept || !rows || !rows.contains(event.target)) return;
  for (const [id, place] of kept.open) {
    const details = document.getElementById(id)?.querySelectorAll("details")[place];
    if (details) details.open = true;
  }
  for (const [id, value] of kept.values) {
    const input = document.getElementById(id);
    if (input) input.value = value;
  }
  if (kept.focus) document.getElementById(kept.focus)?.focus({ preventScroll: true });
  kept = null;
});
