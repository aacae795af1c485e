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
    open: [...rows.querySelectorAll("details[open]")].map((d) => d.closest("[id]").id),
    values: [...rows.querySelectorAll("input[id]:not([type=hidden])")]
      .filter((input) => input.value !== input.defaultValue)
      .map((input) => [input.id, input.value]),
    focus: active && rows.contains(active) && active.id ? active.id : null,
  };
});
document.addEventListener("htmx:sseMessage", (event) => {
  const rows = document.getElementById("caseload-rows");
  if (!kept || !rows || !rows.contains(event.target)) return;
  for (const id of kept.open) {
    const details = document.getElementById(id)?.querySelector("details");
    if (details) details.open = true;
  }
  for (const [id, value] of kept.values) {
    const input = document.getElementById(id);
    if (input) input.value = value;
  }
  if (kept.focus) document.getElementById(kept.focus)?.focus({ preventScroll: true });
  kept = null;
});
