/**
 * Shown in place of a screen whose code is still on its way (a lazy chunk). Its own module, so a lazily
 * loaded screen can show it without importing the loader that loads it (flow/lazy-screens.tsx).
 */
export function ScreenLoading() {
  return (
    <p className="status" role="status">
      Loading…
    </p>
  );
}
