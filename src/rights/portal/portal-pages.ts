import type { PortalRequestView } from '../requests/request-types.ts';
import { requestTypes } from '../requests/request-types.ts';
import { portalLanguages, portalTexts, type PortalLanguage } from './portal-texts.ts';

/**
 * Escapes text for HTML content and attribute values.
 *
 * @example
 * escapePortalHtml('<b>"Ann"</b>'); // '&lt;b&gt;&quot;Ann&quot;&lt;/b&gt;'
 */
export function escapePortalHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}
const esc = escapePortalHtml;

const style = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;line-height:1.5;color:#1a1b1e;background:#f8f9fa;margin:0}
main{max-width:40rem;margin:2rem auto;background:#fff;padding:1.5rem 2rem;border-radius:8px;border:1px solid #dee2e6}
h1{font-size:1.5rem;margin-top:0}label,legend{display:block;font-weight:600;margin-top:1rem}
input[type=email],input[type=text],select,textarea{width:100%;box-sizing:border-box;padding:.5rem;border:1px solid #868e96;border-radius:4px;font-size:1rem}
input[name=code]{letter-spacing:.3em;font-size:1.4rem;max-width:12rem}
fieldset{border:0;padding:0;margin:1rem 0}.check{display:flex;gap:.5rem;align-items:flex-start;font-weight:400;margin-top:.4rem}
.check input{margin-top:.35rem}button{margin-top:1.25rem;padding:.6rem 1.2rem;font-size:1rem;border:0;border-radius:4px;background:#1864ab;color:#fff;cursor:pointer}
:focus-visible{outline:3px solid #f59f00;outline-offset:2px}.hint{color:#495057;font-size:.9rem;margin:.2rem 0 0}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem}dt{font-weight:600}dd{margin:0}
.error{color:#c92a2a}nav{font-size:.9rem;margin-bottom:1rem}`;

/** One complete page (no script: the server's CSP forbids inline scripts anyway). */
function page(language: PortalLanguage, title: string, body: string): string {
  return `<!doctype html>
<html lang="${language}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${esc(title)}</title><style>${style}</style></head>
<body><main><h1>${esc(title)}</h1>
${body}
</main></body></html>`;
}

/** The request form of a workspace's portal. */
export interface PortalFormModel {
  readonly workspaceId: string;
  readonly organisation: string;
  readonly language: PortalLanguage;
  /** Purposes the person may name (key and display name; business data). */
  readonly purposes: readonly { readonly key: string; readonly name: string }[];
  /** What the person typed before an error, to show again. */
  readonly values?: Readonly<Record<string, string | readonly string[]>>;
  readonly error?: string;
  /** The workspace can send texts: the phone field and "text me a code" are offered. */
  readonly sms?: boolean;
}

/**
 * The portal's request form: type, email, language, message, rectification and purposes. Works without JavaScript.
 *
 * @example
 * reply.type('text/html').send(renderPortalForm({ workspaceId, organisation: 'Acme', language: 'en', purposes: [] }));
 */
export function renderPortalForm(model: PortalFormModel): string {
  const t = portalTexts[model.language];
  const v = model.values ?? {};
  const text = (name: string) => (typeof v[name] === 'string' ? esc(v[name]) : '');
  const chosenType = typeof v.type === 'string' ? v.type : 'access';
  const chosenPurposes = new Set(Array.isArray(v.purposes) ? v.purposes : []);
  const langLinks = portalLanguages
    .map(
      (l) =>
        `<a href="/privacy/${esc(model.workspaceId)}?lang=${l}" lang="${l}">${esc(portalTexts[l].languageName)}</a>`,
    )
    .join(' · ');
  const types = requestTypes
    .map(
      (type) =>
        `<label class="check"><input type="radio" name="type" value="${type}"${type === chosenType ? ' checked' : ''}> ${esc(t.types[type])}</label>`,
    )
    .join('\n');
  const purposes = model.purposes
    .map(
      (p) =>
        `<label class="check"><input type="checkbox" name="purposes" value="${esc(p.key)}"${chosenPurposes.has(p.key) ? ' checked' : ''}> ${esc(p.name)}</label>`,
    )
    .join('\n');
  const languages = portalLanguages
    .map(
      (l) =>
        `<option value="${l}"${l === model.language ? ' selected' : ''}>${esc(portalTexts[l].languageName)}</option>`,
    )
    .join('');
  const body = `<nav aria-label="Language">${langLinks}</nav>
<p>${esc(t.intro)}</p>
${model.error ? `<p class="error" role="alert">${esc(model.error)}</p>` : ''}
<form method="post" action="/privacy/${esc(model.workspaceId)}">
<fieldset><legend>${esc(t.typeLegend)}</legend>
${types}
</fieldset>
<label for="email">${esc(t.email)}</label>
<input id="email" name="email" type="email"${model.sms ? '' : ' required'} maxlength="254" autocomplete="email" value="${text('email')}" aria-describedby="email-hint">
<p class="hint" id="email-hint">${esc(t.emailHint)}</p>
${model.sms ? smsFields(model.language, v) : ''}<label for="language">${esc(t.language)}</label>
<select id="language" name="language">${languages}</select>
<label for="message">${esc(t.message)}</label>
<textarea id="message" name="message" rows="4" maxlength="2000">${text('message')}</textarea>
<label for="rectifyField">${esc(t.rectifyField)}</label>
<input id="rectifyField" name="rectifyField" type="text" maxlength="64" value="${text('rectifyField')}">
<label for="rectifyValue">${esc(t.rectifyValue)}</label>
<input id="rectifyValue" name="rectifyValue" type="text" maxlength="500" value="${text('rectifyValue')}">
${purposes ? `<fieldset><legend>${esc(t.purposes)}</legend>\n${purposes}\n</fieldset>` : ''}
<button type="submit">${esc(t.submit)}</button>
</form>`;
  return page(model.language, t.title(model.organisation), body);
}

/** The phone field and the channel choice (only when the workspace can send texts). */
function smsFields(language: PortalLanguage, values: Readonly<Record<string, string | readonly string[]>>): string {
  const t = portalTexts[language].sms;
  const bySms = values.channel === 'sms';
  return `<label for="phone">${esc(t.phone)}</label>
<input id="phone" name="phone" type="tel" maxlength="40" autocomplete="tel" aria-describedby="phone-hint">
<p class="hint" id="phone-hint">${esc(t.phoneHint)}</p>
<fieldset><legend>${esc(t.channelLegend)}</legend>
<label class="check"><input type="radio" name="channel" value="email"${bySms ? '' : ' checked'}> ${esc(t.byEmail)}</label>
<label class="check"><input type="radio" name="channel" value="sms"${bySms ? ' checked' : ''}> ${esc(t.bySms)}</label>
</fieldset>`;
}

/**
 * "Check your email" (or "check your phone"), with the form to type the code. Identical whether or not we hold data about the address.
 *
 * @example
 * renderCheckEmail({ workspaceId, language: 'en', verificationId });
 */
export function renderCheckEmail(input: {
  readonly workspaceId: string;
  readonly language: PortalLanguage;
  readonly verificationId: string;
  readonly error?: string;
  /** How the code went out (default email). */
  readonly channel?: 'email' | 'sms';
}): string {
  const t = portalTexts[input.language];
  const sms = input.channel === 'sms';
  return page(
    input.language,
    sms ? t.sms.checkPhoneTitle : t.checkEmailTitle,
    `<p role="status">${esc(sms ? t.sms.checkPhone : t.checkEmail)}</p>
${input.error ? `<p class="error" role="alert">${esc(input.error)}</p>` : ''}
<form method="post" action="/privacy/${esc(input.workspaceId)}/verify">
<input type="hidden" name="verification" value="${esc(input.verificationId)}">
<input type="hidden" name="language" value="${input.language}">
${sms ? '<input type="hidden" name="channel" value="sms">\n' : ''}<label for="code">${esc(t.code)}</label>
<input id="code" name="code" type="text" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" autocomplete="one-time-code" required>
<button type="submit">${esc(t.verify)}</button>
</form>`,
  );
}

/**
 * The page behind the emailed link: a button that POSTs (a link scanner's GET never confirms anything).
 *
 * @example
 * renderConfirmLink({ action: `/privacy/${ws}/verify/${token}`, language: 'en' });
 */
export function renderConfirmLink(input: {
  readonly action: string;
  readonly language: PortalLanguage;
}): string {
  const t = portalTexts[input.language];
  return page(
    input.language,
    t.confirmTitle,
    `<p>${esc(t.confirmText)}</p>
<form method="post" action="${esc(input.action)}"><button type="submit">${esc(t.confirm)}</button></form>`,
  );
}

/**
 * The request is verified: the status link is shown (and was emailed).
 *
 * @example
 * renderVerified({ statusUrl: `/privacy/${ws}/status/${token}`, language: 'en' });
 */
export function renderVerified(input: {
  readonly statusUrl: string;
  readonly language: PortalLanguage;
  /** Verified by text: no status email follows, so the page says to keep the link. */
  readonly channel?: 'email' | 'sms';
}): string {
  const t = portalTexts[input.language];
  const said = input.channel === 'sms' ? t.sms.verifiedNoEmail : t.verified;
  return page(
    input.language,
    t.verifiedTitle,
    `<p role="status">${esc(said)}</p>\n<p><a href="${esc(input.statusUrl)}">${esc(t.followLink)}</a></p>`,
  );
}

/** Kinds of neutral message pages. */
export type PortalMessageKind = 'failed' | 'tooMany' | 'invalid' | 'notFound';

/**
 * A neutral message page (failed verification, rate limit, invalid input, not found).
 *
 * @example
 * renderPortalMessage('failed', 'en', `/privacy/${ws}`);
 */
export function renderPortalMessage(
  kind: PortalMessageKind,
  language: PortalLanguage,
  backUrl?: string,
): string {
  const t = portalTexts[language];
  const texts: Record<PortalMessageKind, readonly [string, string]> = {
    failed: [t.failedTitle, t.failed],
    tooMany: [t.tooManyTitle, t.tooMany],
    invalid: [t.invalidTitle, t.invalid],
    notFound: [t.notFoundTitle, t.notFound],
  };
  const [title, text] = texts[kind];
  return page(
    language,
    title,
    `<p role="alert">${esc(text)}</p>${backUrl ? `\n<p><a href="${esc(backUrl)}">←</a></p>` : ''}`,
  );
}

/**
 * The status page of one request: what `portalView` allows the person to see, and the download button.
 *
 * @example
 * renderStatusPage({ view, language: 'en', downloadAction: `/privacy/${ws}/status/${token}/download` });
 */
export function renderStatusPage(input: {
  readonly view: PortalRequestView;
  readonly language: PortalLanguage;
  readonly downloadAction: string;
}): string {
  const t = portalTexts[input.language];
  const { view } = input;
  const date = (iso: string) => iso.slice(0, 10);
  const rows: [string, string][] = [
    [t.reference, view.reference],
    [t.type, t.types[view.type]],
    [t.status, t.statuses[view.status]],
    [t.receivedAt, date(view.receivedAt)],
    [t.dueAt, date(view.dueAt)],
  ];
  if (view.extensionReason) rows.push([t.extensionReason, view.extensionReason]);
  if (view.refusalReason) rows.push([t.refusalReason, view.refusalReason]);
  const outcome =
    view.outcome.length > 0
      ? `<h2>${esc(t.outcome)}</h2>\n<ul>${view.outcome.map((s) => `<li>${esc(s)}</li>`).join('')}</ul>`
      : '';
  const download =
    view.hasResult && view.status === 'completed'
      ? `<form method="post" action="${esc(input.downloadAction)}"><button type="submit">${esc(t.download)}</button></form>\n<p class="hint">${esc(t.downloadHint)}</p>`
      : '';
  return page(
    input.language,
    t.statusTitle,
    `<dl>${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>\n${outcome}\n${download}`,
  );
}
