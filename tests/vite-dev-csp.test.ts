/** The dev-only CSP relaxation for Vite's injected styles never reaches a build. */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { devInlineStyles } from '../scripts/vite-dev-csp';

const indexHtml = fs.readFileSync('src/renderer/index.html', 'utf8');

describe('devInlineStyles (npm run dev)', () => {
  it("runs only in Vite's dev server, never in a build", () => {
    expect(devInlineStyles().apply).toBe('serve');
  });

  it("allows inline styles in the renderer's CSP and changes nothing else", () => {
    const transform = devInlineStyles().transformIndexHtml as (html: string) => string;
    const served = transform(indexHtml);

    expect(served).toContain("style-src 'self' 'unsafe-inline';");
    expect(served).toContain("script-src 'self';");
    expect(served.replace(" 'unsafe-inline'", '')).toBe(indexHtml);
  });
});
