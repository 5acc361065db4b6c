import { escapeHtml, renderPublicPage } from '../forms/public-page.ts';

/** Why a link did nothing, in plain words. */
export const linkProblemText = {
  invalid: 'This link is not valid. Nothing was changed. Please use the link exactly as it is in the email.',
  expired: 'This link has expired. Nothing was changed. Please fill in the form again to receive a new one.',
  used: 'This link was already used. Nothing more was changed.',
} as const;

/**
 * The page behind a confirmation link (`GET /c/:token`): a button that confirms by POST, so that mail scanners
 * following links confirm nothing.
 *
 * @example
 * reply.type('text/html').send(renderConfirmPage(`/c/${token}`));
 */
export function renderConfirmPage(action: string): string {
  return renderPublicPage({
    title: 'Confirm your consent',
    language: 'en',
    body: `<p>Press the button to confirm what you asked for. You can withdraw it at any time, as easily.</p>
<form method="post" action="${escapeHtml(action)}"><button type="submit">Confirm</button></form>`,
  });
}

/** The answer after a confirmation, or to a link that did nothing. */
export function renderConfirmResult(outcome: { status: 'confirmed'; purposes: readonly string[] } | { status: keyof typeof linkProblemText }): string {
  if (outcome.status !== 'confirmed') {
    return renderPublicPage({ title: 'Nothing was changed', language: 'en', body: `<p role="alert">${escapeHtml(linkProblemText[outcome.status])}</p>` });
  }
  return renderPublicPage({
    title: 'Thank you: confirmed',
    language: 'en',
    body: `<p role="status">Your consent is recorded. We are emailing you a signed receipt; every email we send has a link to withdraw.</p>`,
  });
}
