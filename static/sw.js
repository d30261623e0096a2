// Samtal service worker: keeps the app shell so a reload with no network still opens the
// last workshop. Documents live in localStorage, never here; /api/ is never cached.
const CACHE = "samtal-shell-v1";

async function cacheShell() {
  const cache = await caches.open(CACHE);
  const resp = await fetch("/", { cache: "no-store" });
  if (!resp.ok) return;
  const html = await resp.clone().text();
  await cache.put("/", resp);
  // Trunk's index.html names the hashed js/wasm/css files; cache them all.
  const urls = [...html.matchAll(/(?:href|src)="(\/[^"]+)"/g)].map((m) => m[1]);
  await Promise.all(
    urls.map((u) => fetch(u).then((r) => (r.ok ? cache.put(u, r) : undefined)).catch(() => {}))
  );
}

self.addEventListener("install", (event) => {
  event.waitUntil(cacheShell().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/")) return;
  // The page's "is there a new version?" check must reach the network.
  if (event.request.cache === "no-store") return;
  if (event.request.mode === "navigate") {
    // Network first for pages (new deploys), the cached shell when offline.
    event.respondWith(
      fetch(event.request).catch(() => caches.match("/").then((r) => r || Response.error()))
    );
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
