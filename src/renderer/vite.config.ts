// The renderer on its own: `npx vite build src/renderer` (or `--config src/renderer/vite.config.ts`).
// electron.vite.config.ts at the top builds it together with main and preload.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // Relative asset URLs work under app://wrsauth/ and when the server serves the client at /.
  base: './',
  plugins: [react()],
  build: {
    outDir: '../../out/renderer',
    emptyOutDir: true,
  },
});
