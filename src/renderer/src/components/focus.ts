import { useEffect, useRef } from 'react';

/**
 * Focus this element when the screen appears, so keyboard and screen-reader users start at the heading
 * or first field of every new screen.
 */
export function useFocusOnMount<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return ref;
}
