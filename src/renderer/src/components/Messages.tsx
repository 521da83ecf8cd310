import type { FlowMessage } from '../flow/sign-in-flow';

/** An error the user must act on; announced at once. Renders nothing without a message. */
export function ErrorAlert({ children }: { children: string | undefined | null | false }) {
  if (!children) return null;
  return (
    <p className="alert" role="alert">
      {children}
    </p>
  );
}

/** A message carried from the previous screen: an error (alert) or a calm status line. */
export function FlowNotice({ message }: { message: FlowMessage | undefined }) {
  if (!message) return null;
  if (message.kind === 'error') return <ErrorAlert>{message.text}</ErrorAlert>;
  return (
    <p className="status" role="status">
      {message.text}
    </p>
  );
}
