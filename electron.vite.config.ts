// electron-vite builds the desktop client: main and preload for Node/Electron, the renderer for the browser.
// `npm run build` writes out/main, out/preload and out/renderer (the server also serves out/renderer at /).
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { devInlineStyles } from './scripts/vite-dev-csp';

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // keytar is optional: keep it external (loaded by a guarded import), never bundled or copied.
      externalizeDeps: { include: ['keytar'] },
      rollupOptions: { input: 'src/main/index.ts' },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // CommonJS, so the window keeps sandbox: true (an ESM preload needs the sandbox off).
      rollupOptions: {
        input: 'src/preload/index.ts',
        output: { format: 'cjs', entryFileNames: 'index.cjs' },
      },
    },
  },
  renderer: {
    root: 'src/renderer',
    base: './',
    plugins: [react(), devInlineStyles()],
    build: {
      outDir: 'out/renderer',
      minify: true,
      rollupOptions: { input: 'src/renderer/index.html' },
    },
  },
});
