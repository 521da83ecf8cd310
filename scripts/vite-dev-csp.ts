/**
 * `npm run dev` only: Vite's dev server injects the renderer's CSS as inline <style> tags, which the page's
 * CSP (`style-src 'self'`) refuses, so dev pages came up unstyled. In `serve` mode this plugin allows inline
 * styles, and nothing else; a build never runs it, so the shipped page keeps `style-src 'self'`.
 */
import type { Plugin } from 'vite';

export function devInlineStyles(): Plugin {
  return {
    name: 'wrsauth-dev-inline-styles',
    apply: 'serve',
    transformIndexHtml: (html) => html.replace("style-src 'self';", "style-src 'self' 'unsafe-inline';"),
  };
}
