// The baseline page of bench/renderer.ts: the least a Vite + React page can be. Built by Vite only.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <button type="button">Hello</button>
  </StrictMode>,
);
