import { type ReactNode, useEffect } from 'react';
import { useFocusOnMount } from './focus';

interface ScreenProps {
  title: string;
  /** Focus the heading on arrival; screens whose first job is a field focus that field instead. */
  focusHeading?: boolean;
  children: ReactNode;
}

/** One screen of the flow: a labelled region with its heading, and the window title to match. */
export function Screen({ title, focusHeading = false, children }: ScreenProps) {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  useEffect(() => {
    document.title = `${title} · WRSAuth`;
  }, [title]);
  return (
    <section className="screen" aria-labelledby="screen-title">
      <h1 id="screen-title" tabIndex={-1} ref={focusHeading ? heading : undefined}>
        {title}
      </h1>
      {children}
    </section>
  );
}
