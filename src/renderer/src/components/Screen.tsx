import { type ReactNode, useEffect } from 'react';
import { useOidcInteractionInfo } from '../oidc/interaction-context';
import { useFocusOnMount } from './focus';

interface ScreenProps {
  title: string;
  /** Focus the heading on arrival; screens whose first job is a field focus that field instead. */
  focusHeading?: boolean;
  children: ReactNode;
}

/**
 * One screen of the flow: a labelled region with its heading, and the window title to match; in an
 * application's login prompt, "Sign in to <client>" under the heading.
 */
export function Screen({ title, focusHeading = false, children }: ScreenProps) {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const interaction = useOidcInteractionInfo();
  useEffect(() => {
    document.title = `${title} · WRSAuth`;
  }, [title]);
  return (
    <section className="screen" aria-labelledby="screen-title">
      <h1 id="screen-title" tabIndex={-1} ref={focusHeading ? heading : undefined}>
        {title}
      </h1>
      {/* An application's login prompt: which application asked. Its name is text, never markup. */}
      {interaction && <p className="sign-in-to">Sign in to {interaction.clientName}</p>}
      {children}
    </section>
  );
}
