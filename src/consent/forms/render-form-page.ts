import type { FormField } from './form-types.ts';
import type { PublishedForm } from './form-store.ts';
import { escapeHtml, renderPublicPage } from './public-page.ts';

/** Name of the hidden honeypot field: people never see it, bots fill it. */
export const honeypotField = 'homepage';

const inputType: Record<FormField['name'], string> = { email: 'email', firstName: 'text', lastName: 'text', phone: 'tel' };
const autocomplete: Record<FormField['name'], string> = { email: 'email', firstName: 'given-name', lastName: 'family-name', phone: 'tel' };

/**
 * The hosted page of a form (`GET /f/:formId`): a plain HTML form posting to the public submit endpoint, one unticked
 * checkbox per purpose with its label and a link to its published notice. Works without JavaScript.
 *
 * @example
 * reply.type('text/html').send(renderFormPage(form, { action: `/api/v1/public/forms/${form.id}/submissions` }));
 */
export function renderFormPage(form: PublishedForm, options: { readonly action: string; readonly error?: string | undefined }): string {
  const d = form.definition;
  const fields = d.fields
    .map(
      (f) =>
        `<label for="f-${f.name}">${escapeHtml(f.label)}${f.required ? ' <span aria-hidden="true">*</span>' : ''}</label>` +
        `<input id="f-${f.name}" name="${f.name}" type="${inputType[f.name]}" autocomplete="${autocomplete[f.name]}" maxlength="254"${f.required ? ' required aria-required="true"' : ''}>`,
    )
    .join('\n');
  // Each checkbox's visible text is `checkboxText(p)` (label, then the notice title): the text its digest proves.
  const purposes = d.purposes
    .map(
      (p, i) =>
        `<label class="check" for="p-${i}"><input id="p-${i}" type="checkbox" name="purposes" value="${escapeHtml(p.key)}">` +
        `<span>${escapeHtml(p.label)} (<a href="${escapeHtml(p.noticeUrl)}" target="_blank" rel="noopener">${escapeHtml(p.noticeTitle)}</a>)</span></label>`,
    )
    .join('\n');
  const error = options.error ? `<p class="error" role="alert">${escapeHtml(options.error)}</p>` : '';
  return renderPublicPage({
    title: d.title,
    language: d.language,
    body: `${d.introduction ? `<p>${escapeHtml(d.introduction)}</p>` : ''}${error}
<form method="post" action="${escapeHtml(options.action)}">
${fields}
<fieldset><legend>${escapeHtml(d.purposes.length > 1 ? 'Choose what you agree to' : 'Your consent')}</legend>
${purposes}
</fieldset>
<div class="hp" aria-hidden="true"><label for="f-hp">Leave this empty</label><input id="f-hp" name="${honeypotField}" type="text" tabindex="-1" autocomplete="off"></div>
<button type="submit">${escapeHtml(d.submitLabel)}</button>
</form>`,
  });
}
