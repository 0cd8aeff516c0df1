import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';
import { wasmThreads } from './scripts/vite/wasmThreads.ts';

// COOP/COEP make the page cross-origin isolated (SharedArrayBuffer, WASM threads).
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  // Relative base: the built site works from any folder of any static host.
  base: './',
  plugins: [
    react(),
    // WASM threads in a minified build (see the plugin); the backend lives in the workers, below.
    wasmThreads(),
    // Offline after the first visit, and cross-origin isolation (WASM threads) on hosts that
    // send no COOP/COEP headers: our own service worker, src/sw.ts (Workbox precaching), with
    // this build's file list injected.
    VitePWA({
      registerType: 'autoUpdate',
      injectRegister: 'script',
      manifest: false,
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      injectManifest: {
        // The model and dataset lists are precached (a first visit may fetch them before the
        // worker controls the page) and also refreshed network-first (src/sw.ts).
        globPatterns: ['**/*.{js,css,html,wasm,svg,png,jpg,ico}', 'embedded/**/*.{json,bin}', 'models/index.json', 'datasets/index.json'],
        globIgnores: ['models/*/**/*', 'datasets/*/**/*', 'e2e-fixtures/**'],
        maximumFileSizeToCacheInBytes: 32 * 1024 * 1024,
      },
    }),
  ],
  worker: { format: 'es', plugins: () => [wasmThreads()] },
  server: { headers: isolation, host: '127.0.0.1' },
  preview: { headers: isolation, host: '127.0.0.1' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
});
