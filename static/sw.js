// Samtal service worker: keeps the app shell so that a link opens at once on a repeat visit —
// with no network, or a network too weak to answer — and updates it in the background.
// Documents live in localStorage, never here; /api/ is never cached.
const CACHE = "samtal-shell-v1";

// The app's own pages (the client routes them); everything else goes to the network.
const APP_PAGE = /^\/(?:[gfc]\/[^/]+|tillganglighet|integritet)?\/?$/;

// The shell refresh in progress, if any: a navigation while it runs (the "new version: reload"
// button) waits for it, so that it gets the new shell rather than the old one again.
let refreshing = null;

// The app's shells: the whole app, and the group page alone, which a group link (`/g/…`) opens
// (the server builds it beside the whole app; without it, the whole app opens those too).
const SHELLS = ["/", "/group/index.html"];

// Fetch each shell, then every asset it names that the cache does not hold yet (trunk's names
// are hashed: a cached one never changes), and only then the shell: a cached shell always has
// its assets. A shell the server no longer has goes; then whatever no shell names.
async function refreshShell() {
  const cache = await caches.open(CACHE);
  const keep = new Set(SHELLS);
  for (const shell of SHELLS) {
    const resp = await fetch(shell, { cache: "no-store" });
    if (!resp.ok) {
      await cache.delete(shell);
      continue;
    }
    const html = await resp.clone().text();
    const urls = [...html.matchAll(/(?:href|src)="(\/[^"]+)"/g)].map((m) => m[1]);
    await Promise.all(
      urls.map(async (u) => {
        keep.add(u);
        if (await cache.match(u)) return;
        const r = await fetch(u);
        if (!r.ok) throw new Error(`${u}: ${r.status}`);
        await cache.put(u, r);
      })
    );
    await cache.put(shell, resp);
  }
  // Assets of earlier versions go (a page already open has its own in memory).
  for (const req of await cache.keys()) {
    if (!keep.has(new URL(req.url).pathname)) await cache.delete(req);
  }
}

function refreshSoon() {
  if (!refreshing) {
    refreshing = refreshShell()
      .catch(() => {})
      .finally(() => {
        refreshing = null;
      });
  }
  return refreshing;
}

self.addEventListener("install", (event) => {
  event.waitUntil(refreshSoon().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

async function openPage(event) {
  if (refreshing) {
    // At most a few seconds: a weak network must not keep the page from opening.
    await Promise.race([refreshing, new Promise((r) => setTimeout(r, 3000))]);
  }
  const path = new URL(event.request.url).pathname;
  const cached =
    (path.startsWith("/g/") && (await caches.match("/group/index.html"))) ||
    (await caches.match("/"));
  if (cached) {
    // Cache first, updated for the next visit; the page offers a reload when it sees a new
    // version (never forced: someone may be typing).
    event.waitUntil(refreshSoon());
    return cached;
  }
  return fetch(event.request);
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/")) return;
  // The page's "is there a new version?" check must reach the network.
  if (event.request.cache === "no-store") return;
  if (event.request.mode === "navigate") {
    if (APP_PAGE.test(url.pathname)) event.respondWith(openPage(event));
    return;
  }
  // Hashed assets never change: cache first, fill the cache on the way.
  event.respondWith(
    caches.match(event.request).then(
      (hit) =>
        hit ||
        fetch(event.request).then((resp) => {
          if (resp.ok) {
            const copy = resp.clone();
            caches.open(CACHE).then((c) => c.put(event.request, copy));
          }
          return resp;
        })
    )
  );
});
