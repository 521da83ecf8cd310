/**
 * The demo application's pages, rendered on the server: plain HTML forms, no script at all, one stylesheet
 * from this origin. Everything that comes from outside (claims, provider errors) is escaped.
 */
import type { SignedInUser } from './sessions';

export const APP_TITLE = 'Demo practice application';

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

function layout(heading: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(heading)} - ${APP_TITLE}</title><link rel="stylesheet" href="/style.css"></head>
<body><main>
<p class="app">${APP_TITLE}</p>
<h1>${escapeHtml(heading)}</h1>
${body}
</main></body></html>
`;
}

const loginButton = (label: string) =>
  `<form method="get" action="/login"><button type="submit">${escapeHtml(label)}</button></form>`;

/** Nobody signed in here; `notice` says why, when there is a reason to. */
export function signedOutPage(notice?: string): string {
  return layout(
    'Welcome',
    `${notice ? `<p class="notice" role="status">${escapeHtml(notice)}</p>` : ''}
<p>This practice application signs its users in with WRSAuth: your password and a code, then your practice location.</p>
${loginButton('Login with WRSAuth')}`,
  );
}

export function signedInPage(user: SignedInUser, csrfToken: string): string {
  const row = (label: string, value: string, id: string) =>
    `<dt>${label}</dt><dd data-testid="${id}">${escapeHtml(value)}</dd>`;
  return layout(
    `Signed in as ${user.name}`,
    `<dl>
${row('Practice location', user.locationName ?? 'none chosen', 'location')}
${row('Authentication methods (amr)', user.amr.join(' ') || 'none', 'amr')}
${row('Authentication context (acr)', user.acr ?? 'none', 'acr')}
</dl>
<form method="post" action="/logout">
<input type="hidden" name="csrf" value="${escapeHtml(csrfToken)}">
<button type="submit">Sign out</button>
</form>`,
  );
}

/** A sign-in that did not complete: what happened, in words, and a way to try again. Never a stack trace. */
export function problemPage(heading: string, explanation: string, detail?: string): string {
  return layout(
    heading,
    `<p role="alert">${escapeHtml(explanation)}</p>
${detail ? `<p class="detail">${escapeHtml(detail)}</p>` : ''}
${loginButton('Try again')}
<p><a href="/">Back to the start page</a></p>`,
  );
}

/** Signed out here, while WRSAuth offers no RP-initiated logout to end the sign-in there too. */
export function signedOutHereOnlyPage(): string {
  return layout(
    'Signed out',
    `<p role="status">You are signed out of the demo practice application. WRSAuth does not offer sign-out to applications yet, so your WRSAuth sign-in goes on until it ends there.</p>
${loginButton('Login with WRSAuth')}`,
  );
}

export const STYLESHEET = `body{font-family:system-ui,sans-serif;margin:0;background:#f4f6f8;color:#1b2733}
main{max-width:34rem;margin:4rem auto;padding:2rem;background:#fff;border-radius:8px;box-shadow:0 1px 4px #0002}
.app{color:#55697d;font-size:.9rem;margin:0}
h1{font-size:1.5rem;margin:.25rem 0 1.25rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.5rem 1rem}dt{color:#55697d}dd{margin:0;font-weight:600}
button{font:inherit;padding:.6rem 1.2rem;border:0;border-radius:6px;background:#1f5fa8;color:#fff;cursor:pointer}
.notice{background:#fff6dd;border-left:4px solid #d9a400;padding:.75rem}
.detail{color:#55697d;font-family:ui-monospace,monospace;font-size:.85rem}
`;
