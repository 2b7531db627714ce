// The page's service worker: opens the page without a signal in a market hall.
// The page itself puts its shell (index and hashed assets) into SHELL once it has loaded;
// here the page is answered from the network when it comes within a few seconds, else
// from that copy, and hashed assets (never changing) from the copy first.
const SHELL = "ecolabel-shell";
const NAVIGATION_TIMEOUT_MS = 3000;

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

async function page(request) {
  const cache = await caches.open(SHELL);
  try {
    const fresh = await fetch(request, { signal: AbortSignal.timeout(NAVIGATION_TIMEOUT_MS) });
    if (fresh.ok) await cache.put("./", fresh.clone());
    return fresh;
  } catch (err) {
    const kept = await cache.match("./");
    if (kept) return kept;
    throw err;
  }
}

async function asset(request) {
  const kept = await caches.match(request, { cacheName: SHELL });
  if (kept) return kept;
  const fresh = await fetch(request);
  if (fresh.ok) (await caches.open(SHELL)).put(request, fresh.clone());
  return fresh;
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== location.origin) return;
  const scope = new URL(self.registration.scope);
  if (event.request.mode === "navigate" && url.pathname === scope.pathname) {
    event.respondWith(page(event.request));
  } else if (url.pathname.startsWith(`${scope.pathname}assets/`)) {
    event.respondWith(asset(event.request));
  }
});
