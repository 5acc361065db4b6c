import type { Kysely } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import { AppError, isAppError } from '../../errors.ts';
import { appendAudit } from '../../kernel/audit/audit-log.ts';
import { normaliseEmail } from '../../kernel/crypto/blind-index.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { ActorContext } from '../../kernel/gate/processing-context.ts';
import type { PurposeRegister } from '../../kernel/purposes/purpose-register.ts';
import type { Mailer } from '../../mail/mailer.ts';
import { cleanPhone } from '../../kernel/people/person-input.ts';
import type { SmsSender } from '../../sms/sms-gateway.ts';
import {
  requestTypes,
  type IdentityMethod,
  type PortalRequestView,
  type RequestDetails,
  type RequestResultFile,
  type RequestService,
  type RequestType,
} from '../requests/request-types.ts';
import { createPortalLinks, type PortalLinkKind } from './portal-links.ts';
import { createPortalOutbox, type OutboxItem, type PortalOutbox } from './portal-outbox.ts';
import { createPortalRateLimiter, type PortalLimit } from './portal-rate-limiter.ts';
import { createPortalSmsOutbox } from './portal-sms-outbox.ts';
import { portalLanguage, portalTexts, type PortalLanguage } from './portal-texts.ts';
import { createPortalTokens } from './portal-tokens.ts';
import {
  createPortalVerifications,
  verificationLifetimeMs,
  type VerificationChannel,
  type VerificationOutcome,
} from './portal-verifications.ts';

/** The portal's rate limits. */
export interface PortalLimits {
  /** Submissions per email address (counted under a keyed hash of the normalised address). */
  readonly perEmail: PortalLimit;
  /** Submissions per phone number (counted under a keyed hash of the E.164 number). */
  readonly perPhone: PortalLimit;
  /** Submissions per visitor IP. */
  readonly perIp: PortalLimit;
  /** Submissions per workspace, all visitors together. */
  readonly perWorkspace: PortalLimit;
  /** Verification attempts (codes and links) per visitor IP. */
  readonly verifyPerIp: PortalLimit;
}

export const defaultPortalLimits: PortalLimits = {
  perEmail: { limit: 5, windowMs: 3_600_000 },
  perPhone: { limit: 5, windowMs: 3_600_000 },
  perIp: { limit: 20, windowMs: 600_000 },
  perWorkspace: { limit: 600, windowMs: 60_000 },
  verifyPerIp: { limit: 30, windowMs: 600_000 },
};

/** Who is at the other end of a portal page (the IP is used for rate limits and the audit entry's `ip` only). */
export interface PortalVisitor {
  readonly ip: string;
  /** The HTTP request id, for the audit entry. */
  readonly requestId?: string;
}

/** A submission as the form sends it (already shaped by the route's schema). */
export interface PortalSubmission {
  readonly workspaceId: string;
  readonly visitor: PortalVisitor;
  readonly type: string;
  /** Required when the code goes by email (the default channel). */
  readonly email?: string | undefined;
  /** Required when the code goes by text message; international form, normalised to E.164. */
  readonly phone?: string | undefined;
  /** `email` (default) or `sms`: where the code goes. Only that identifier is used (matching) and kept. */
  readonly channel?: string | undefined;
  readonly language?: string | undefined;
  readonly message?: string | undefined;
  readonly rectifyField?: string | undefined;
  readonly rectifyValue?: string | undefined;
  readonly purposes?: readonly string[] | undefined;
}

/** Work to run after the answer is out (the email), so that its timing never shows in the answer. */
export type AfterAnswer = () => Promise<void>;

/** A verified request: the status link to show, and the status email to send after answering. */
export interface VerifiedRequest {
  readonly statusToken: string;
  readonly language: PortalLanguage;
  /** Verified by a texted code: no status email follows (the request holds no email address). */
  readonly channel: VerificationChannel;
  readonly afterAnswer: AfterAnswer;
}

/** The public privacy portal of each workspace (server-rendered pages in src/http/routes/portal-routes.ts). */
export interface PrivacyPortal {
  /** The organisation's name and the purposes a person may name, or undefined for an unknown workspace. */
  formModel(
    workspaceId: string,
  ): Promise<{ organisation: string; purposes: { key: string; name: string }[]; sms: boolean } | undefined>;
  /**
   * Records the request (always unverified, even when an earlier one exists) and its verification. The answer is the
   * same whether or not the email matches a person; the email with the code goes to the given address after answering.
   */
  submit(
    input: PortalSubmission,
  ): Promise<{ verificationId: string; language: PortalLanguage; channel: VerificationChannel; afterAnswer: AfterAnswer }>;
  /** A typed code; failures answer `PORTAL_VERIFICATION_FAILED` (one neutral answer) and are audited. */
  verifyCode(input: {
    workspaceId: string;
    visitor: PortalVisitor;
    verificationId: string;
    code: string;
  }): Promise<VerifiedRequest>;
  /** The emailed link (posted from its confirm page); same failure as a code. */
  verifyLink(input: { workspaceId: string; visitor: PortalVisitor; token: string }): Promise<VerifiedRequest>;
  /** What the person may see about the request a status token opens; `NOT_FOUND` (audited) otherwise. */
  status(
    workspaceId: string,
    token: string,
    visitor: PortalVisitor,
  ): Promise<{ view: PortalRequestView; language: PortalLanguage }>;
  /** A 7-day download link for a request with a stored result; `NOT_FOUND` otherwise. */
  createDownloadLink(workspaceId: string, statusToken: string, visitor: PortalVisitor): Promise<string>;
  /** The result a download token opens; the same `NOT_FOUND` (audited) for guessed, expired or other-workspace links. */
  download(workspaceId: string, token: string, visitor: PortalVisitor): Promise<RequestResultFile>;
  /** Sends queued verification texts, then status emails (extended, completed, refused); returns how many went out. */
  drainOutbox(limit?: number): Promise<number>;
  /** Deletes links expired for a day, verifications after 90 days and emails sent 30 days ago; returns the rows deleted. */
  sweepExpired(): Promise<number>;
  readonly outbox: PortalOutbox;
}

export interface PrivacyPortalDeps {
  readonly db: Db;
  readonly clock: Clock;
  /** The request service (src/rights/requests): only what the portal uses. */
  readonly requests: Pick<
    RequestService,
    | 'submitFromPortal'
    | 'markIdentityVerified'
    | 'contactOf'
    | 'get'
    | 'portalView'
    | 'readResult'
    | 'recordStep'
  >;
  readonly purposes: Pick<PurposeRegister, 'list'>;
  readonly serverSecret: Buffer;
  readonly publicUrl: string;
  /** The workspace's mailer (its SMTP settings, or the server's). */
  readonly mailerFor: (db: Kysely<Database>, workspaceId: string) => Promise<Mailer>;
  /** The workspace's SMS gateway, or undefined when it has no SMS settings (the phone option is then not offered). */
  readonly smsSenderFor: (db: Kysely<Database>, workspaceId: string) => Promise<SmsSender | undefined>;
  readonly limits?: Partial<PortalLimits>;
}

const emailPattern = /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$/;
const purposeKeyPattern = /^[a-z0-9_]{1,64}$/;

/**
 * @example
 * const portal = createPrivacyPortal({ db, clock, requests, purposes, serverSecret, publicUrl, mailerFor });
 * privacyEvents.subscribe(portal.outbox.subscriber);
 * const { verificationId, afterAnswer } = await portal.submit({ workspaceId, visitor: { ip }, type: 'access', email });
 */
export function createPrivacyPortal(deps: PrivacyPortalDeps): PrivacyPortal {
  const limits: PortalLimits = { ...defaultPortalLimits, ...deps.limits };
  const kysely = deps.db.kysely;
  const auditDeps = { dialect: deps.db.dialect, clock: deps.clock };
  const tokens = createPortalTokens(deps.serverSecret);
  const limiter = createPortalRateLimiter({ clock: deps.clock });
  const verifications = createPortalVerifications({ dialect: deps.db.dialect, clock: deps.clock, tokens });
  const links = createPortalLinks({ clock: deps.clock, tokens });
  const outbox = createPortalOutbox({ clock: deps.clock });
  const smsOutbox = createPortalSmsOutbox({ clock: deps.clock, serverSecret: deps.serverSecret });
  const smsSenderFor = (workspaceId: string) => deps.smsSenderFor(kysely, workspaceId);
  const base = deps.publicUrl.replace(/\/$/, '');

  const actorOf = (workspaceId: string, visitor: PortalVisitor): ActorContext => ({
    workspaceId,
    actor: { type: 'anonymous', id: null },
    requestId: visitor.requestId ?? null,
    ip: visitor.ip,
  });

  const workspaceName = async (workspaceId: string) =>
    (await kysely.selectFrom('workspaces').select('name').where('id', '=', workspaceId).executeTakeFirst())
      ?.name;

  /** Records a refusal (no personal data: the reason code and ids only), in its own transaction. */
  async function auditRefusal(
    workspaceId: string,
    visitor: PortalVisitor,
    action: string,
    requestId: string | null,
    details: Record<string, unknown>,
  ) {
    if ((await workspaceName(workspaceId)) === undefined) return; // nothing to chain an entry to
    await kysely.transaction().execute((trx) =>
      appendAudit(trx, auditDeps, {
        workspaceId,
        actor: { type: 'anonymous', id: null },
        action,
        outcome: 'denied',
        resourceType: 'privacy_request',
        resourceId: requestId,
        requestId: visitor.requestId ?? null,
        ip: visitor.ip,
        details,
      }),
    );
  }

  function parseSubmission(
    input: PortalSubmission,
    purposeKeys: ReadonlySet<string>,
    smsAvailable: boolean,
  ): {
    type: RequestType;
    contact: { channel: 'email'; email: string } | { channel: 'sms'; phone: string };
    language: PortalLanguage;
    details: RequestDetails;
  } {
    const errors: { path: string; message: string }[] = [];
    if (!(requestTypes as readonly string[]).includes(input.type))
      errors.push({ path: '/type', message: 'must be one of the request types' });
    const channel = input.channel === undefined || input.channel === '' ? 'email' : input.channel;
    if (channel !== 'email' && channel !== 'sms') errors.push({ path: '/channel', message: 'must be email or sms' });
    if (channel === 'sms' && !smsAvailable)
      errors.push({ path: '/channel', message: 'text messages are not available' });
    // Whatever is typed is checked; only the chosen channel's identifier is used (the other proves nothing).
    const email = (input.email ?? '').trim();
    if ((channel === 'email' || email !== '') && (email.length > 254 || !emailPattern.test(email)))
      errors.push({ path: '/email', message: 'must be an email address' });
    const rawPhone = (input.phone ?? '').trim();
    const phone = rawPhone === '' ? undefined : cleanPhone(rawPhone);
    if ((channel === 'sms' || rawPhone !== '') && phone === undefined)
      errors.push({ path: '/phone', message: 'must be a phone number in international form' });
    const purposes = [...new Set(input.purposes ?? [])];
    if (purposes.some((p) => !purposeKeyPattern.test(p) || !purposeKeys.has(p)))
      errors.push({ path: '/purposes', message: 'must name purposes of this organisation' });
    const field = input.rectifyField?.trim() ?? '';
    const value = input.rectifyValue?.trim() ?? '';
    if (input.type === 'rectification' && (field === '') !== (value === ''))
      errors.push({
        path: '/rectifyValue',
        message: 'a correction needs both the detail and the right value',
      });
    if (errors.length > 0) throw new AppError('VALIDATION_FAILED', { errors });
    const message = input.message?.trim();
    const details: RequestDetails = {
      ...(message ? { message } : {}),
      ...(input.type === 'rectification' && field !== '' ? { rectification: { [field]: value } } : {}),
      ...(purposes.length > 0 ? { purposes } : {}),
    };
    return {
      type: input.type as RequestType,
      contact: channel === 'sms' ? { channel: 'sms', phone: phone ?? '' } : { channel: 'email', email },
      language: portalLanguage(input.language),
      details,
    };
  }

  async function send(workspaceId: string, to: string, subject: string, text: string): Promise<void> {
    const mailer = await deps.mailerFor(kysely, workspaceId);
    await mailer.send({ to, subject, text });
  }

  async function verified(
    workspaceId: string,
    visitor: PortalVisitor,
    via: 'code' | 'link',
    consume: (trx: Kysely<Database>) => Promise<VerificationOutcome>,
  ): Promise<VerifiedRequest> {
    await limiter.hit(
      kysely,
      workspaceId,
      `verify-ip:${tokens.bucketKey('ip', visitor.ip)}`,
      limits.verifyPerIp,
    );
    // Looked up before the transaction: SQLite's one connection is held by it.
    const workspaceKnown = (await workspaceName(workspaceId)) !== undefined;
    let refusal: { reason: string; requestId: string | null } | undefined;
    let statusToken: string | undefined;
    let requestId: string | undefined;
    let channel: VerificationChannel = 'email';
    try {
      await kysely.transaction().execute(async (trx) => {
        const outcome = await consume(trx);
        if (!outcome.ok) {
          // The attempt count must stick: record the refusal in this transaction and let it commit.
          refusal = { reason: outcome.reason, requestId: outcome.requestId };
          if (workspaceKnown) {
            await appendAudit(trx, auditDeps, {
              workspaceId,
              actor: { type: 'anonymous', id: null },
              action: 'portal.verification_refused',
              outcome: 'denied',
              resourceType: 'privacy_request',
              resourceId: outcome.requestId,
              requestId: visitor.requestId ?? null,
              ip: visitor.ip,
              details: { via, reason: outcome.reason },
            });
          }
          return;
        }
        const method: IdentityMethod =
          via === 'link' ? 'email_link' : outcome.channel === 'sms' ? 'phone_code' : 'email_code';
        channel = outcome.channel;
        await deps.requests.markIdentityVerified(
          trx,
          actorOf(workspaceId, visitor),
          outcome.requestId,
          method,
        );
        statusToken = await links.mint(trx, 'status', workspaceId, outcome.requestId);
        requestId = outcome.requestId;
      });
    } catch (error) {
      // The request can no longer be verified (cancelled meanwhile, or already verified): the same neutral answer.
      if (!isAppError(error)) throw error;
      await auditRefusal(workspaceId, visitor, 'portal.verification_refused', null, {
        via,
        reason: 'request_not_verifiable',
        code: error.code,
      });
      throw new AppError('PORTAL_VERIFICATION_FAILED');
    }
    if (refusal || !statusToken || !requestId) throw new AppError('PORTAL_VERIFICATION_FAILED');
    const view = await deps.requests.get(kysely, workspaceId, requestId);
    const language = portalLanguage(view.language);
    const token = statusToken;
    const id = requestId;
    return {
      statusToken: token,
      language,
      channel,
      afterAnswer: async () => {
        const contact = await deps.requests.contactOf(kysely, workspaceId, id);
        if (!contact) return;
        const t = portalTexts[portalLanguage(contact.language)];
        await send(
          workspaceId,
          contact.email,
          t.mail.statusSubject(view.reference),
          t.mail.statusBody({
            reference: view.reference,
            link: `${base}/privacy/${workspaceId}/status/${token}`,
          }),
        );
      },
    };
  }

  async function resolveOrRefuse(
    kind: PortalLinkKind,
    workspaceId: string,
    token: string,
    visitor: PortalVisitor,
  ): Promise<string> {
    const found = await links.resolve(kysely, kind, workspaceId, token);
    if ('requestId' in found) return found.requestId;
    await auditRefusal(workspaceId, visitor, 'portal.link_refused', null, {
      link: kind,
      reason: found.reason,
    });
    throw new AppError('NOT_FOUND', { resource: 'portal_link' });
  }

  async function audited(
    workspaceId: string,
    visitor: PortalVisitor,
    action: string,
    requestId: string,
    details: Record<string, unknown>,
    work?: (trx: Kysely<Database>) => Promise<void>,
  ) {
    await kysely.transaction().execute(async (trx) => {
      await work?.(trx);
      await appendAudit(trx, auditDeps, {
        workspaceId,
        actor: { type: 'anonymous', id: null },
        action,
        outcome: 'allowed',
        resourceType: 'privacy_request',
        resourceId: requestId,
        requestId: visitor.requestId ?? null,
        ip: visitor.ip,
        details,
      });
    });
  }

  const portal: PrivacyPortal = {
    outbox,

    async formModel(workspaceId) {
      const organisation = await workspaceName(workspaceId);
      if (organisation === undefined) return undefined;
      const purposes = (await deps.purposes.list(kysely, workspaceId))
        .filter((p) => p.active)
        .map((p) => ({ key: p.key, name: p.name }));
      return { organisation, purposes, sms: (await smsSenderFor(workspaceId)) !== undefined };
    },

    async submit(input) {
      const model = await portal.formModel(input.workspaceId);
      if (!model) throw new AppError('NOT_FOUND', { resource: 'privacy_portal' });
      const parsed = parseSubmission(input, new Set(model.purposes.map((p) => p.key)), model.sms);
      const ws = input.workspaceId;
      const { contact } = parsed;
      await limiter.hit(kysely, ws, `ip:${tokens.bucketKey('ip', input.visitor.ip)}`, limits.perIp);
      await limiter.hit(kysely, ws, 'workspace', limits.perWorkspace);
      if (contact.channel === 'email')
        await limiter.hit(kysely, ws, `email:${tokens.bucketKey('email', normaliseEmail(contact.email))}`, limits.perEmail);
      else await limiter.hit(kysely, ws, `phone:${tokens.bucketKey('phone', contact.phone)}`, limits.perPhone);
      const t = portalTexts[parsed.language];
      const created = await kysely.transaction().execute(async (trx) => {
        const ctx = actorOf(ws, input.visitor);
        const request = await deps.requests.submitFromPortal(trx, ctx, {
          type: parsed.type,
          ...(contact.channel === 'email' ? { email: contact.email } : { phone: contact.phone }),
          language: parsed.language,
          details: parsed.details,
        });
        const verification = await verifications.create(trx, ws, request.id, contact.channel);
        await deps.requests.recordStep(trx, ctx, request.id, {
          kind: 'identity_check',
          summary:
            contact.channel === 'email'
              ? 'Verification code and link emailed to the address given'
              : 'Verification code texted to the number given',
        });
        // The text is queued with the request (sealed), so a gateway failure is retried by the outbox job.
        const smsId =
          contact.channel === 'sms'
            ? await smsOutbox.enqueue(trx, {
                workspaceId: ws,
                requestId: request.id,
                message: {
                  to: contact.phone,
                  body: t.sms.verifyBody({
                    code: verification.code,
                    reference: request.reference,
                    minutes: verificationLifetimeMs / 60_000,
                    organisation: model.organisation,
                  }),
                },
                expiresAt: verification.expiresAt,
              })
            : undefined;
        return { ...verification, reference: request.reference, smsId };
      });
      const link = `${base}/privacy/${ws}/verify/${created.linkToken}?lang=${parsed.language}`;
      return {
        verificationId: created.id,
        language: parsed.language,
        channel: contact.channel,
        // Always to the address or number given (the requester's own), known to us or not: the same work on both paths.
        afterAnswer: async () => {
          if (contact.channel === 'sms') {
            if (created.smsId) await smsOutbox.drain(kysely, smsSenderFor, { limit: 1, id: created.smsId });
            return;
          }
          await send(
            ws,
            contact.email,
            t.mail.verifySubject(created.reference),
            t.mail.verifyBody({
              code: created.code,
              link,
              reference: created.reference,
              minutes: verificationLifetimeMs / 60_000,
            }),
          );
        },
      };
    },

    verifyCode: (input) =>
      verified(input.workspaceId, input.visitor, 'code', (trx) =>
        verifications.consumeCode(trx, input.workspaceId, input.verificationId, input.code),
      ),

    verifyLink: (input) =>
      verified(input.workspaceId, input.visitor, 'link', (trx) =>
        verifications.consumeLink(trx, input.workspaceId, input.token),
      ),

    async status(workspaceId, token, visitor) {
      const requestId = await resolveOrRefuse('status', workspaceId, token, visitor);
      const [view, request] = await Promise.all([
        deps.requests.portalView(kysely, workspaceId, requestId),
        deps.requests.get(kysely, workspaceId, requestId),
      ]);
      await audited(workspaceId, visitor, 'portal.status_viewed', requestId, { status: view.status });
      return { view, language: portalLanguage(request.language) };
    },

    async createDownloadLink(workspaceId, statusToken, visitor) {
      const requestId = await resolveOrRefuse('status', workspaceId, statusToken, visitor);
      const view = await deps.requests.portalView(kysely, workspaceId, requestId);
      // Only a completed request's result leaves (a stored file waiting for release or review stays in).
      if (!view.hasResult || view.status !== 'completed')
        throw new AppError('NOT_FOUND', { resource: 'request_result' });
      let token = '';
      await audited(workspaceId, visitor, 'portal.download_link_created', requestId, {}, async (trx) => {
        token = await links.mint(trx, 'download', workspaceId, requestId);
      });
      return token;
    },

    async download(workspaceId, token, visitor) {
      const requestId = await resolveOrRefuse('download', workspaceId, token, visitor);
      const view = await deps.requests.portalView(kysely, workspaceId, requestId);
      const file =
        view.status === 'completed' ? await deps.requests.readResult(kysely, workspaceId, requestId) : null;
      if (!file) {
        await auditRefusal(workspaceId, visitor, 'portal.link_refused', requestId, {
          link: 'download',
          reason: 'no_result',
        });
        throw new AppError('NOT_FOUND', { resource: 'portal_link' });
      }
      await audited(workspaceId, visitor, 'portal.result_downloaded', requestId, {
        bytes: file.body.length,
        contentType: file.contentType,
      });
      return file;
    },

    async sweepExpired() {
      const now = deps.clock.now().getTime();
      const dayAgo = new Date(now - 86_400_000).toISOString();
      const links = await kysely
        .deleteFrom('portal_links')
        .where('expires_at', '<', dayAgo)
        .executeTakeFirst();
      // Verifications (hashes only) are kept 90 days: the console's activity counts read them.
      const checks = await kysely
        .deleteFrom('portal_verifications')
        .where('expires_at', '<', new Date(now - 90 * 86_400_000).toISOString())
        .executeTakeFirst();
      const mails = await kysely
        .deleteFrom('portal_outbox')
        .where('sent_at', '<', new Date(now - 30 * 86_400_000).toISOString())
        .executeTakeFirst();
      const texts = await kysely
        .deleteFrom('portal_sms_outbox')
        .where('created_at', '<', new Date(now - 30 * 86_400_000).toISOString())
        .where((eb) => eb.or([eb('sent_at', 'is not', null), eb('failed_at', 'is not', null)]))
        .executeTakeFirst();
      return (
        Number(links.numDeletedRows) +
        Number(checks.numDeletedRows) +
        Number(mails.numDeletedRows) +
        Number(texts.numDeletedRows)
      );
    },

    async drainOutbox(limit = 20) {
      // Verification texts first (their codes expire in 30 minutes), then the status emails.
      let sent = await smsOutbox.drain(kysely, smsSenderFor, { limit });
      for (const item of await outbox.claim(kysely, limit)) {
        try {
          if (await notify(item)) sent++;
        } catch {
          // Left claimed: it comes back when the claim lapses (at most five attempts). Nothing personal to log here.
        }
      }
      return sent;
    },
  };

  return portal;

  /** Sends one queued email; false when there is nobody to tell any more. */
  async function notify(item: OutboxItem): Promise<boolean> {
    const contact = await deps.requests.contactOf(kysely, item.workspaceId, item.requestId);
    if (!contact) {
      await outbox.markSent(kysely, item.id); // purged meanwhile: nobody to tell
      return false;
    }
    const ctx: ActorContext = {
      workspaceId: item.workspaceId,
      actor: { type: 'system', id: 'privacy-portal' },
    };
    const view = await deps.requests.portalView(kysely, item.workspaceId, item.requestId);
    const minted = await kysely.transaction().execute(async (trx) => ({
      status: await links.mint(trx, 'status', item.workspaceId, item.requestId),
      download:
        item.kind === 'completed' && view.status === 'completed' && view.hasResult
          ? await links.mint(trx, 'download', item.workspaceId, item.requestId)
          : null,
    }));
    const language = portalLanguage(contact.language);
    const t = portalTexts[language];
    await send(
      item.workspaceId,
      contact.email,
      t.mail.eventSubject(view.reference, item.kind),
      t.mail.eventBody({
        kind: item.kind,
        reference: view.reference,
        status: t.statuses[view.status],
        link: `${base}/privacy/${item.workspaceId}/status/${minted.status}`,
        extension: item.kind === 'extended' && view.extensionReason ? { dueOn: view.dueAt.slice(0, 10), reason: view.extensionReason } : null,
        download: minted.download ? `${base}/privacy/${item.workspaceId}/download/${minted.download}` : null,
      }),
    );
    await kysely.transaction().execute(async (trx) => {
      await deps.requests.recordStep(trx, ctx, item.requestId, {
        kind: 'email_sent',
        summary: `Requester emailed: request ${item.kind}${minted.download ? ', with a 7-day download link' : ''}`,
      });
      await outbox.markSent(trx, item.id);
    });
    return true;
  }
}
