/**
 * What the user reads when a sign-in does not complete: the provider's error codes (RFC 6749 §4.1.2.1,
 * OpenID Connect Core §3.1.2.6) and openid-client's failures, in words, with the code as a detail for
 * support. Never a stack trace.
 */
import * as oidc from 'openid-client';

export interface SignInProblem {
  heading: string;
  explanation: string;
  detail?: string;
}

const PROVIDER_ERRORS: Record<string, string> = {
  login_required: 'WRSAuth needs you to sign in again.',
  interaction_required: 'WRSAuth needs you to sign in again.',
  consent_required: 'WRSAuth needs you to sign in again.',
  access_denied: 'The sign-in was cancelled or refused at WRSAuth.',
  temporarily_unavailable: 'WRSAuth is busy right now. Wait a moment, then try again.',
  server_error: 'WRSAuth ran into a problem. Try again; if it keeps happening, tell your account manager.',
  invalid_request: "WRSAuth did not accept this application's sign-in request. Tell your account manager.",
  unauthorized_client: 'WRSAuth does not accept sign-ins for this application. Tell your account manager.',
  invalid_scope: "WRSAuth did not accept this application's sign-in request. Tell your account manager.",
};

/** An `error` WRSAuth sent back to the callback, with its description (untrusted text: shown as text). */
export function describeProviderError(error: string, description: string | null): SignInProblem {
  const explanation =
    PROVIDER_ERRORS[error] ??
    'WRSAuth did not complete the sign-in. Try again; if it keeps happening, tell your account manager.';
  return {
    heading: 'You are not signed in',
    explanation,
    detail: description ? `${error}: ${description.slice(0, 200)}` : error,
  };
}

/** The code exchange or userinfo failed after WRSAuth sent the browser back. */
export function describeFailure(failure: unknown): SignInProblem {
  if (failure instanceof oidc.ResponseBodyError) {
    return {
      heading: 'You are not signed in',
      explanation:
        failure.error === 'invalid_client'
          ? 'WRSAuth did not recognise this application (its registration or secret changed). Restart the demo with npm start.'
          : 'WRSAuth refused to finish this sign-in (it may have taken too long). Try again.',
      detail: failure.error,
    };
  }
  const code = (failure as { code?: unknown })?.code;
  return {
    heading: 'You are not signed in',
    explanation: 'The answer from WRSAuth could not be checked, so the sign-in was not accepted. Try again.',
    detail: typeof code === 'string' ? code : undefined,
  };
}
