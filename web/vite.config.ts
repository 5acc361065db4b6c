import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const webDir = path.dirname(fileURLToPath(import.meta.url));

/**
 * Builds the console into `web/dist`, which the server serves at `/`.
 * Everything is bundled and served from the same origin: the CSP allows no inline script, CDN or external font.
 */
export default defineConfig({
  root: webDir,
  base: '/',
  plugins: [react()],
  build: {
    outDir: path.join(webDir, 'dist'),
    emptyOutDir: true,
    // Small assets are not inlined as data: URIs into scripts; the CSP would allow images but fonts stay files.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  server: {
    // `npx vite --config web/vite.config.ts` for live reload against a server on :8080.
    proxy: { '/api': 'http://127.0.0.1:8080', '/health': 'http://127.0.0.1:8080' },
  },
});
