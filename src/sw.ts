/**
 * The app's service worker: offline after the first visit, and cross-origin isolation on hosts
 * that send no COOP/COEP headers (GitHub Pages, a school's plain web server), after
 * coi-serviceworker: every response it serves gets COOP, COEP and CORP, so a page loaded under it
 * is crossOriginIsolated and WebAssembly runs on threads. The first visit, before this worker
 * controls the page, stays single-threaded; the next load is isolated.
 *
 * Precached: the app (JS, CSS, WASM binaries, sample images), the embedded model and the model
 * and dataset lists; the lists are also refreshed network-first. Model weights are not duplicated
 * here, they live in the IndexedDB cache (and pass through untouched: same-origin fetches need no
 * headers under COEP).
 */
import { clientsClaim, type WorkboxPlugin } from 'workbox-core';
import { addPlugins, cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute, type PrecacheEntry } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { NetworkFirst } from 'workbox-strategies';

declare const self: { __WB_MANIFEST: (string | PrecacheEntry)[]; skipWaiting(): Promise<void> };

const ISOLATION: Record<string, string> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** The response with the isolation headers; opaque responses (status 0) cannot be rebuilt. */
export function withIsolation(response: Response): Response {
  if (response.status === 0) return response;
  const headers = new Headers(response.headers);
  for (const [k, v] of Object.entries(ISOLATION)) headers.set(k, v);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

const isolate: WorkboxPlugin = {
  handlerWillRespond: async ({ response }) => withIsolation(response),
};

void self.skipWaiting();
clientsClaim();

addPlugins([isolate]);
cleanupOutdatedCaches();
precacheAndRoute(self.__WB_MANIFEST);
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html')));
registerRoute(
  ({ url }) => /\/(models|datasets)\/[^?]*\.json$/.test(url.pathname),
  new NetworkFirst({ cacheName: 'transferlens-lists', networkTimeoutSeconds: 5, plugins: [isolate] }),
);
