import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { Catalogue } from '../../kernel/catalogue/create-catalogue.ts';
import { categoryWithinAny } from '../../kernel/catalogue/category-prefix.ts';
import type { PurposeRegister } from '../../kernel/purposes/purpose-register.ts';
import type { ConsentCore } from './consent-core-ports.ts';
import { checkboxText, formFieldNames, type FormDefinition, type FormInput, type FormPurpose } from './form-types.ts';

type Problem = { path: string; message: string };

const languagePattern = /^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/;
const defaultLabels: Record<string, string> = { email: 'Email address', firstName: 'First name', lastName: 'Last name', phone: 'Phone number' };

/**
 * `https://www.example.com` as given, when it is an origin and nothing more (no path, query or credentials); loopback
 * origins may use plain HTTP.
 *
 * @example
 * cleanOrigin('https://www.example.com/'); // 'https://www.example.com'
 * cleanOrigin('https://www.example.com/shop'); // undefined
 */
export function cleanOrigin(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return undefined;
  }
  const loopback = url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) return undefined;
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) return undefined;
  return url.origin;
}

function text(problems: Problem[], path: string, value: string | undefined, max: number, required: boolean): string {
  const v = (value ?? '').trim();
  if (required && v === '') problems.push({ path, message: 'is required' });
  if (v.length > max) problems.push({ path, message: `must be at most ${max} characters` });
  return v;
}

/**
 * Validates a form against the register, the notices and the catalogue, and pins what the page will show: each
 * purpose must rely on consent, be active and have a published notice in the form's language (`NOTICE_MISSING`);
 * fields must be declared and covered by the purposes (data minimisation); the email is required.
 *
 * @example
 * const definition = await buildFormDefinition(db, { purposes, catalogue, notices }, workspaceId, input);
 */
export async function buildFormDefinition(
  db: Kysely<Database>,
  deps: { readonly purposes: PurposeRegister; readonly catalogue: Pick<Catalogue, 'assertDeclared'>; readonly notices: ConsentCore['notices'] },
  workspaceId: string,
  input: FormInput,
): Promise<FormDefinition> {
  const problems: Problem[] = [];
  text(problems, '/name', input.name, 200, true);
  const title = text(problems, '/title', input.title, 200, true);
  const introduction = text(problems, '/introduction', input.introduction, 2000, false);
  const successMessage = text(problems, '/successMessage', input.successMessage ?? 'Thank you.', 500, true);
  const submitLabel = text(problems, '/submitLabel', input.submitLabel ?? 'Subscribe', 60, true);
  const language = input.language.trim();
  if (!languagePattern.test(language)) problems.push({ path: '/language', message: 'must be a BCP 47 language tag' });
  const max = input.maxSubmissionsPerMinute ?? 120;
  if (!Number.isInteger(max) || max < 1 || max > 100_000) problems.push({ path: '/maxSubmissionsPerMinute', message: 'must be 1 to 100000' });

  if (input.purposes.length === 0 || input.purposes.length > 10) problems.push({ path: '/purposes', message: 'give 1 to 10 purposes' });
  const seenPurposes = new Set<string>();
  const purposeCategories: string[] = [];
  const purposes: FormPurpose[] = [];
  const missingNotices: string[] = [];
  for (const [i, p] of input.purposes.entries()) {
    const label = text(problems, `/purposes/${i}/label`, p.label, 300, true);
    if (seenPurposes.has(p.key)) problems.push({ path: `/purposes/${i}/key`, message: 'is given twice' });
    seenPurposes.add(p.key);
    const purpose = await deps.purposes.find(db, workspaceId, p.key);
    if (!purpose) {
      problems.push({ path: `/purposes/${i}/key`, message: 'is not in the purpose register' });
      continue;
    }
    if (purpose.lawfulBasis !== 'consent' && purpose.art9Condition !== 'explicit_consent') {
      problems.push({ path: `/purposes/${i}/key`, message: 'does not rely on consent' });
      continue;
    }
    if (!purpose.active) problems.push({ path: `/purposes/${i}/key`, message: 'is not active' });
    purposeCategories.push(...purpose.requiredCategories, ...purpose.optionalCategories);
    const notice = await deps.notices.currentPublished(db, workspaceId, purpose.key, language);
    if (!notice?.url) {
      missingNotices.push(purpose.key);
      continue;
    }
    const shown = { label, noticeTitle: notice.title };
    purposes.push({
      key: purpose.key,
      label,
      noticeVersionId: notice.id,
      noticeTitle: notice.title,
      noticeUrl: notice.url,
      textDigest: createHash('sha256').update(checkboxText(shown)).digest('hex'),
    });
  }

  const seenFields = new Set<string>();
  const fields: FormDefinition['fields'][number][] = [];
  for (const [i, f] of input.fields.entries()) {
    if (!(formFieldNames as readonly string[]).includes(f.name)) {
      problems.push({ path: `/fields/${i}/name`, message: 'is not a form field' });
      continue;
    }
    if (seenFields.has(f.name)) problems.push({ path: `/fields/${i}/name`, message: 'is given twice' });
    seenFields.add(f.name);
    fields.push({ name: f.name, label: text(problems, `/fields/${i}/label`, f.label ?? defaultLabels[f.name], 100, true), required: f.name === 'email' || f.required === true });
  }
  if (!seenFields.has('email')) problems.push({ path: '/fields', message: 'the email field is required: it identifies the person and receives the confirmation' });
  if (fields.length > 0 && purposeCategories.length > 0) {
    const declared = await deps.catalogue.assertDeclared(db, workspaceId, 'person', fields.map((f) => f.name));
    for (const attribute of declared) {
      if (!categoryWithinAny(attribute.category, purposeCategories)) {
        problems.push({ path: '/fields', message: `${attribute.attribute} is not needed by the purposes of the form` });
      }
    }
  }

  const allowedOrigins: string[] = [];
  for (const [i, o] of (input.allowedOrigins ?? []).entries()) {
    const origin = cleanOrigin(o);
    if (!origin) problems.push({ path: `/allowedOrigins/${i}`, message: 'must be an https origin such as https://www.example.com' });
    else if (!allowedOrigins.includes(origin)) allowedOrigins.push(origin);
  }
  if (allowedOrigins.length > 20) problems.push({ path: '/allowedOrigins', message: 'at most 20 origins' });

  if (problems.length > 0) throw new AppError('VALIDATION_FAILED', { detail: 'The form is not valid', errors: problems });
  if (missingNotices.length > 0) {
    throw new AppError('NOTICE_MISSING', { detail: 'Publish a privacy notice for each purpose in the form language first', purposes: missingNotices, language });
  }
  return {
    title,
    introduction,
    language,
    purposes,
    fields,
    allowedOrigins,
    doubleOptIn: input.doubleOptIn ?? true,
    successMessage,
    submitLabel,
    maxSubmissionsPerMinute: max,
  };
}
