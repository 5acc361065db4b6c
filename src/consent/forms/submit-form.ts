import { createHmac, hkdfSync } from 'node:crypto';
import type { Db } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import type { PeopleService } from '../../kernel/people/people-service.ts';
import { cleanEmail } from '../../kernel/people/person-input.ts';
import type { SuppressionList } from '../../kernel/erasure/suppression-list.ts';
import type { ConsentEventView } from '../records/consent-types.ts';
import type { Confirmations } from '../double-opt-in/confirmations.ts';
import type { ConsentMail } from '../double-opt-in/consent-mail.ts';
import type { ConsentCore } from './consent-core-ports.ts';
import { consentChannelContext } from './consent-records-purpose.ts';
import type { FormStore, PublishedForm } from './form-store.ts';
import type { RateLimiter } from './rate-limiter.ts';
import { pageUrlWithoutQuery, requestEvidence } from './request-evidence.ts';
import type { SendReceipts } from '../double-opt-in/send-receipts.ts';

/** What a visitor sends (JSON from the widget, form fields from the hosted page). */
export interface SubmissionBody {
  readonly email?: string | undefined;
  readonly firstName?: string | undefined;
  readonly lastName?: string | undefined;
  readonly phone?: string | undefined;
  /** Keys of the ticked purposes. */
  readonly purposes?: readonly string[] | string | undefined;
  /** The honeypot: empty for people. */
  readonly homepage?: string | undefined;
  /** Page the widget is on (kept without its query string). */
  readonly pageUrl?: string | undefined;
}

/** The request around a submission. */
export interface SubmissionRequest {
  readonly formId: string;
  readonly channel: 'widget' | 'hosted_form';
  /** `Origin` header, when the browser sent one. */
  readonly origin: string | undefined;
  readonly ip: string;
  readonly userAgent: string | undefined;
  /** `Sec-GPC: 1` was sent. */
  readonly gpc: boolean;
  readonly requestId: string;
  readonly body: SubmissionBody;
  /** The form's current version when the caller already loaded it (for CORS), to save the queries. */
  readonly form?: PublishedForm | undefined;
}

/** The answer, the same whether the address is new, known or suppressed (nothing reveals who is in the database). */
export interface SubmissionAnswer {
  readonly status: 'received';
  readonly message: string;
  readonly confirmationRequired: boolean;
  readonly form: PublishedForm;
  /** Mail to send once the answer is out (its timing would otherwise tell a known address from a new one). */
  readonly afterAnswer?: () => Promise<void>;
}

export interface SubmitFormDeps {
  readonly db: Db;
  readonly publicUrl: string;
  readonly forms: FormStore;
  readonly limiter: RateLimiter;
  readonly people: Pick<PeopleService, 'lookup' | 'create'>;
  readonly suppression: Pick<SuppressionList, 'matches'>;
  readonly core: Pick<ConsentCore, 'consent' | 'gpc'>;
  readonly confirmations: Confirmations;
  readonly mail: ConsentMail;
  readonly sendReceipts: SendReceipts;
  readonly serverSecret: Buffer;
  /** Submissions per visitor IP and minute, across forms (default 10). */
  readonly perIpPerMinute?: number;
}

/** Whether a browser page of `origin` may use the form: its own hosted page, or one of the form's allowed origins. */
export function originAllowed(form: PublishedForm, origin: string | undefined, publicUrl: string): boolean {
  if (origin === undefined) return true;
  return origin === new URL(publicUrl).origin || form.definition.allowedOrigins.includes(origin);
}

/** After a confirmation email, the quiet time before the same person can be sent another. */
export const confirmationQuietMs = 15 * 60_000;

const confirmMessage = 'Almost done: we sent you an email. Open the link in it to confirm.';

/**
 * The public submission of a form: origin, flood limits, honeypot, validation, suppression, then the person found or
 * created through the kernel under the `consent_records` scope, and one consent event per ticked purpose (`requested`
 * with double opt-in, else `given`), with evidence. `Sec-GPC: 1` applies the GPC opt-out to the person.
 *
 * @example
 * const answer = await submitForm(deps, { formId, channel: 'widget', origin, ip, userAgent, gpc: false, requestId, body });
 * void answer.afterAnswer?.();
 */
export async function submitForm(deps: SubmitFormDeps, request: SubmissionRequest): Promise<SubmissionAnswer> {
  const kysely = deps.db.kysely;
  const form = request.form?.id === request.formId ? request.form : await deps.forms.findPublished(kysely, request.formId);
  if (!form) throw new AppError('NOT_FOUND', { resource: 'consent_form' });
  if (!originAllowed(form, request.origin, deps.publicUrl)) throw new AppError('ORIGIN_NOT_ALLOWED');
  const ipKey = Buffer.from(hkdfSync('sha256', deps.serverSecret, Buffer.alloc(0), 'custodian:consent-rate:ip', 32));
  const ipBucket = `ip:${createHmac('sha256', ipKey).update(request.ip).digest('base64url').slice(0, 22)}`;
  await deps.limiter.hit(kysely, form.workspaceId, ipBucket, deps.perIpPerMinute ?? 10);
  await deps.limiter.hit(kysely, form.workspaceId, `form:${form.id}`, form.definition.maxSubmissionsPerMinute);

  const d = form.definition;
  const answer: SubmissionAnswer = { status: 'received', message: d.doubleOptIn ? confirmMessage : d.successMessage, confirmationRequired: d.doubleOptIn, form };
  const body = request.body;
  if (typeof body.homepage === 'string' && body.homepage !== '') return answer;

  const errors: { path: string; message: string }[] = [];
  const ticked = [...new Set(typeof body.purposes === 'string' ? [body.purposes] : (body.purposes ?? []))];
  for (const key of ticked) {
    if (!d.purposes.some((p) => p.key === key)) errors.push({ path: '/purposes', message: 'names a purpose this form does not offer' });
  }
  if (ticked.length === 0) errors.push({ path: '/purposes', message: 'tick at least one box: nothing was recorded' });
  const values: Record<string, string> = {};
  for (const field of d.fields) {
    const raw = body[field.name];
    const value = typeof raw === 'string' ? raw.trim() : '';
    if (value === '') {
      if (field.required) errors.push({ path: `/${field.name}`, message: 'is required' });
      continue;
    }
    if (value.length > 254) errors.push({ path: `/${field.name}`, message: 'is too long' });
    values[field.name] = value;
  }
  const email = values.email === undefined ? undefined : cleanEmail(values.email);
  if (values.email !== undefined && email === undefined) errors.push({ path: '/email', message: 'is not an email address' });
  if (errors.length > 0 || email === undefined) throw new AppError('VALIDATION_FAILED', { detail: 'The form is not complete', errors });

  if ((await deps.suppression.matches(kysely, form.workspaceId, { email })).length > 0) return answer;

  const ctx = consentChannelContext(form.workspaceId, `consent-${request.channel}`, { requestId: request.requestId });
  const found = await deps.people.lookup(ctx, { field: 'email', value: email });
  const personId =
    found[0]?.id ??
    (
      await deps.people.create(ctx, {
        firstName: values.firstName ?? null,
        lastName: values.lastName ?? null,
        emails: [{ value: email, primary: true }],
        ...(values.phone ? { phones: [{ value: values.phone, primary: true }] } : {}),
        provenance: { source: 'form' },
      })
    ).id;

  const evidence = {
    ...requestEvidence(request),
    formId: form.id,
    formVersion: form.version,
    pageUrl: request.channel === 'hosted_form' ? `${deps.publicUrl}/f/${form.id}` : pageUrlWithoutQuery(body.pageUrl),
  };
  // A stranger re-submitting someone's address must not suspend a consent already given: nothing to request again.
  const alreadyValid = new Set(
    d.doubleOptIn && found[0] ? (await deps.core.consent.recordsOf(kysely, ctx, personId)).filter((r) => r.validNow).map((r) => r.purpose) : [],
  );
  const chosen = d.purposes.filter((p) => ticked.includes(p.key) && !alreadyValid.has(p.key));
  const events: ConsentEventView[] = [];
  for (const p of chosen) {
    events.push(
      await deps.core.consent.record(kysely, ctx, {
        personId,
        purpose: p.key,
        state: d.doubleOptIn ? 'requested' : 'given',
        method: request.channel,
        noticeVersionId: p.noticeVersionId,
        evidence: { ...evidence, textDigest: p.textDigest },
        language: d.language,
      }),
    );
  }
  if (request.gpc) await deps.core.gpc.apply(kysely, ctx, personId, evidence);
  await deps.forms.countSubmission(kysely, form.workspaceId, form.id);

  const to = { workspaceId: form.workspaceId, personId, email };
  if (chosen.length === 0) return answer;
  if (d.doubleOptIn) {
    // One confirmation email per person per quarter hour: a stranger cannot flood someone's inbox through the form.
    if (await deps.confirmations.pendingSince(kysely, form.workspaceId, personId, confirmationQuietMs)) return answer;
    const token = await deps.confirmations.create(kysely, {
      workspaceId: form.workspaceId,
      personId,
      formId: form.id,
      formVersion: form.version,
      purposes: chosen.map((p) => ({ purpose: p.key, noticeVersionId: p.noticeVersionId, textDigest: p.textDigest, language: d.language })),
    });
    return {
      ...answer,
      afterAnswer: () =>
        deps.mail.sendConfirmation(kysely, to, { formTitle: d.title, purposeLabels: chosen.map((p) => p.label), purposes: chosen.map((p) => p.key), token }),
    };
  }
  return { ...answer, afterAnswer: () => deps.sendReceipts(kysely, to, events) };
}
