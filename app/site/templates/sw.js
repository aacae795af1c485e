{# Tavle's service worker, served from /sw.js by app/site/pwa.py.
   Pages: network first, so a board is never older than it has to be; the last citizen's board,
   plan, agenda, agreement and intervention pages are kept, so they can be read and changed
   (rated, a topic added, …) without a network, and any other page falls back to /offline. Changes made offline wait in the outbox
   (outbox_store.js) and are sent on Background Sync where the browser has it.
   Versioned static files (/static/…?v=…) never change, so they come from the cache first.
   htmx fragments, event streams and anything but GET pass straight to the network: they are
   live or they change something, and a stale copy of either would mislead. #}
"use strict";

const VERSION = {{ version|tojson }};
const CACHE = "tavle-" + VERSION;
const OFFLINE_URL = "/offline";
const PRECACHE = {{ precache|tojson }};
const KEPT_PAGE = /^\/citizens\/\d+(\/board|\/agenda|\/interventions\/\d+|\/agreements\/\d+)?$/;
const LATER = {{ later|tojson }};
{# The outbox's store (app/static/outbox_store.js), part of the worker for Background Sync. #}
{{ outbox_store|safe }}
{# Pages this worker answered from its copy, so their notice can say they are not live. #}
const answeredFromCopy = new Set();

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(PRECACHE))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  {# The new version takes over open pages at once; the old version's files go. #}
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names.filter((name) => name.startsWith("tavle-") && name !== CACHE).map((name) => caches.delete(name)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.method !== "GET") {
    {# Signing in or out may hand the phone to someone else: their board must not stay behind. #}
    if (request.method === "POST" && (url.pathname === "/logout" || url.pathname.startsWith("/login"))) {
      event.waitUntil(forgetPages());
    }
    {# Signing out: notices belong to the person, not the phone (the push service then answers
       410, and the server forgets the subscription); and what waits in the outbox belongs to the
       person signing out (the page asked them first). #}
    if (request.method === "POST" && url.pathname === "/logout") {
      event.waitUntil(Promise.all([forgetPush(), self.TavleOutbox.clear()]));
    }
    return;
  }
  if (request.headers.has("HX-Request") || isEventStream(request, url)) {
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(networkFirst(event));
  } else if (url.pathname.startsWith("/static/") && url.searchParams.has("v")) {
    event.respondWith(cacheFirst(request));
  }
});

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type !== "page" || !event.source) {
    return;
  }
  if (answeredFromCopy.has(event.source.id)) {
    answeredFromCopy.delete(event.source.id);
    event.source.postMessage({ type: "offline-copy" });
  }
  event.waitUntil(Promise.all([keepOfflinePageIn(data.lang), keepLater()]));
});

{# Background Sync (Chromium-based browsers): the outbox goes out when the connection is back,
   even with no Tavle page open. Elsewhere the page sends it (outbox.js). #}
self.addEventListener("sync", (event) => {
  if (event.tag === self.TavleOutbox.TAG) {
    event.waitUntil(self.TavleOutbox.flush().then(tellPages));
  }
});

async function tellPages() {
  const pages = await self.clients.matchAll({ type: "window" });
  pages.forEach((page) => page.postMessage({ type: "outbox" }));
}

function isEventStream(request, url) {
  return (request.headers.get("Accept") || "").includes("text/event-stream") || url.pathname.endsWith("/events");
}

async function networkFirst(event) {
  const request = event.request;
  const url = new URL(request.url);
  try {
    const response = await fetch(request);
    if (response.ok && response.type === "basic" && KEPT_PAGE.test(url.pathname)) {
      event.waitUntil(keepPage(url.origin + url.pathname, response.clone()));
    }
    return response;
  } catch (error) {
    const cache = await caches.open(CACHE);
    const copy = await cache.match(url.origin + url.pathname, { ignoreVary: true });
    if (copy) {
      answeredFromCopy.add(event.resultingClientId);
      return copy;
    }
    return (await cache.match(OFFLINE_URL, { ignoreVary: true })) || Response.error();
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(request, { ignoreVary: true });
  if (hit) {
    return hit;
  }
  const response = await fetch(request);
  if (response.ok) {
    await cache.put(request, response.clone());
  }
  return response;
}

{# Only the pages of the last citizen looked at are kept: the ones the person expects to see. #}
async function keepPage(key, response) {
  const citizen = new URL(key).pathname.split("/")[2];
  await forgetPages((path) => path.split("/")[2] !== citizen);
  const cache = await caches.open(CACHE);
  await cache.put(key, response);
}

async function forgetPages(which) {
  const cache = await caches.open(CACHE);
  const keys = await cache.keys();
  const gone = keys.filter((key) => {
    const path = new URL(key.url).pathname;
    return KEPT_PAGE.test(path) && (!which || which(path));
  });
  await Promise.all(gone.map((key) => cache.delete(key)));
}

async function keepLater() {
  const cache = await caches.open(CACHE);
  for (const url of LATER) {
    if (!(await cache.match(url))) {
      await cache.add(url).catch(() => {}); // Offline now: the next page asks again.
    }
  }
}

async function forgetPush() {
  try {
    const subscription = await self.registration.pushManager.getSubscription();
    if (subscription) {
      await subscription.unsubscribe();
    }
  } catch (error) {
    {# No push on this browser: nothing to forget. #}
  }
}

async function keepOfflinePageIn(lang) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(OFFLINE_URL, { ignoreVary: true });
  if (!lang || (kept && kept.headers.get("Content-Language") === lang)) {
    return;
  }
  let response;
  try {
    response = await fetch(OFFLINE_URL);
  } catch (error) {
    return; // Offline now: the page in the old language is better than none.
  }
  if (response.ok) {
    {# The page varies by cookie, so a plain put could keep the old language beside the new one. #}
    await cache.delete(OFFLINE_URL, { ignoreVary: true });
    await cache.put(OFFLINE_URL, response);
  }
}

{# Web Push (app/notices): the payload is the notice's headline and link, never its content. #}
self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = {};
  }
  event.waitUntil(
    self.registration.showNotification(data.title || "Tavle", {
      body: data.body || "",
      tag: data.tag || "tavle",
      lang: data.lang || "",
      icon: "/static/icons/icon-192.png",
      data: { url: data.url || "/" },
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL((event.notification.data && event.notification.data.url) || "/", self.location.origin);
  {# Only our own pages: a link in a notice never leads elsewhere. #}
  const url = target.origin === self.location.origin ? target.href : "/";
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      const open = windows.find((client) => client.url === url);
      return open ? open.focus() : self.clients.openWindow(url);
    }),
  );
});
