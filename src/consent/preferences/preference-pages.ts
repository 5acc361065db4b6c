import { escapeHtml, renderPublicPage } from '../forms/public-page.ts';
import type { PreferenceView } from './preference-centre.ts';

const stateText: Record<string, string> = {
  none: 'not given',
  requested: 'waiting for your confirmation',
  given: 'given',
  renewed: 'given (renewed)',
  refused: 'refused',
  withdrawn: 'withdrawn',
  revoked: 'revoked',
  expired: 'expired',
  invalidated: 'no longer valid',
};

const invalidLink = 'This link is not valid. Nothing was changed. Please use the link exactly as it is in our email.';

/**
 * The page behind an unsubscribe link (`GET /u/:token`): shows what the button withdraws and changes nothing; the
 * button (or a mail client's RFC 8058 one-click POST) does it.
 *
 * @example
 * reply.type('text/html').send(renderUnsubscribePage(`/u/${token}`, `/p/${token}`));
 */
export function renderUnsubscribePage(action: string, preferencesUrl: string): string {
  return renderPublicPage({
    title: 'Unsubscribe',
    language: 'en',
    body: `<p>Press the button to stop the emails this link came with. Nothing changes until you do.</p>
<form method="post" action="${escapeHtml(action)}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>
<p><a href="${escapeHtml(preferencesUrl)}">Choose what you receive instead</a></p>`,
  });
}

/** The answer after an unsubscribe, or to a bad link. */
export function renderUnsubscribed(outcome: { withdrawn: readonly string[] } | undefined, preferencesUrl: string): string {
  if (!outcome) return renderPublicPage({ title: 'Nothing was changed', language: 'en', body: `<p role="alert">${escapeHtml(invalidLink)}</p>` });
  return renderPublicPage({
    title: 'You are unsubscribed',
    language: 'en',
    body: `<p role="status">Done: your consent is withdrawn and takes effect now.</p><p><a href="${escapeHtml(preferencesUrl)}">See your preferences and history</a></p>`,
  });
}

/**
 * The preference centre (`GET /p/:token`): every consent-based purpose with its state and notice, one checkbox each,
 * and the consent history. Works without JavaScript.
 *
 * @example
 * reply.type('text/html').send(renderPreferencePage(view, `/p/${token}`));
 */
export function renderPreferencePage(view: PreferenceView | undefined, action: string, message?: string): string {
  if (!view) return renderPublicPage({ title: 'Nothing to show', language: 'en', body: `<p role="alert">${escapeHtml(invalidLink)}</p>` });
  const items = view.items
    .map((item, i) => {
      const notice = item.notice?.url ? ` (<a href="${escapeHtml(item.notice.url)}" target="_blank" rel="noopener">${escapeHtml(item.notice.title)}</a>)` : '';
      return `<label class="check" for="p-${i}"><input id="p-${i}" type="checkbox" name="purposes" value="${escapeHtml(item.key)}"${item.validNow ? ' checked' : ''}${!item.notice && !item.validNow ? ' disabled' : ''}>` +
        `<span>${escapeHtml(item.name)}${notice}<br><span class="notice">${escapeHtml(item.description)} Now: <strong>${escapeHtml(stateText[item.state] ?? item.state)}</strong>.</span></span></label>`;
    })
    .join('\n');
  const history = view.history
    .map((h) => `<tr><td>${escapeHtml(h.at.slice(0, 16).replace('T', ' '))} UTC</td><td>${escapeHtml(h.purpose)}</td><td>${escapeHtml(stateText[h.state] ?? h.state)}</td><td>${escapeHtml(h.method.replace(/_/g, ' '))}</td></tr>`)
    .join('');
  return renderPublicPage({
    title: 'Your preferences',
    language: view.language,
    body: `${message ? `<p role="status">${escapeHtml(message)}</p>` : ''}
<form method="post" action="${escapeHtml(action)}"><fieldset><legend>What you agree to</legend>
${items || '<p>There is nothing you can subscribe to right now.</p>'}
</fieldset><button type="submit">Save my choices</button></form>
<h2>Your consent history</h2>
${history ? `<table><caption class="hp">Every consent event, newest first</caption><thead><tr><th scope="col">When</th><th scope="col">Purpose</th><th scope="col">State</th><th scope="col">How</th></tr></thead><tbody>${history}</tbody></table>` : '<p>No consent recorded.</p>'}`,
  });
}
