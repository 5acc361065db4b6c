import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { consentAnalytics } from '../../consent/analytics/consent-analytics.ts';
import { consentEvidenceReport } from '../../consent/evidence/consent-evidence-report.ts';
import { evidenceReportHtml } from '../../consent/evidence/evidence-report-html.ts';
import { gpcSupportDocument } from '../../consent/gpc/gpc-service.ts';
import { eligibleRecipients } from '../../consent/records/eligible-recipients.ts';
import { collectionMethods, consentStates } from '../../consent/records/consent-types.ts';
import { purposeKeyPattern } from '../../kernel/purposes/purpose-register.ts';
import { AppError } from '../../errors.ts';
import type { AppDeps } from '../app.ts';
import { requestContext } from '../request-context.ts';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const uuid = Type.String({ format: 'uuid', maxLength: 36 });
const purposeKey = Type.String({ pattern: purposeKeyPattern.source, maxLength: 64 });

const Evidence = Type.Object(
  {
    formId: Type.Optional(Type.String({ maxLength: 64 })),
    formVersion: Type.Optional(Type.Integer({ minimum: 1 })),
    textDigest: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$' })),
    ip: Type.Optional(Type.String({ maxLength: 64 })),
    userAgent: Type.Optional(Type.String({ maxLength: 512 })),
    confirmationTokenId: Type.Optional(Type.String({ maxLength: 64 })),
    gpc: Type.Optional(Type.Boolean()),
    channel: Type.Optional(Type.String({ maxLength: 64 })),
    reference: Type.Optional(Type.String({ maxLength: 200 })),
    pageUrl: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);

const ConsentEvent = Type.Object({
  id: Type.String(),
  recordId: Type.String(),
  purpose: Type.String(),
  purposeVersion: Type.Integer(),
  state: literals(consentStates),
  method: Type.String(),
  noticeVersionId: Type.Union([Type.String(), Type.Null()]),
  jurisdiction: Type.String(),
  language: Type.Union([Type.String(), Type.Null()]),
  explicit: Type.Boolean(),
  at: Type.String(),
  expiresAt: Type.Union([Type.String(), Type.Null()]),
  recordedBy: Type.Object({ type: Type.String(), id: Type.Union([Type.String(), Type.Null()]) }),
  evidence: Type.Record(Type.String(), Type.Unknown()),
});
const ConsentRecord = Type.Object({
  id: Type.String(),
  personId: Type.String(),
  purpose: Type.String(),
  state: literals(consentStates),
  validNow: Type.Boolean(),
  expiresAt: Type.Union([Type.String(), Type.Null()]),
  events: Type.Array(ConsentEvent),
});
const NewConsent = Type.Object(
  {
    personId: uuid,
    purpose: purposeKey,
    state: literals(consentStates),
    method: literals(collectionMethods),
    noticeVersionId: Type.Optional(Type.Union([uuid, Type.Null()])),
    evidence: Type.Optional(Evidence),
    jurisdiction: Type.Optional(Type.String({ pattern: '^(?:[A-Z]{2}|EU|EEA)$' })),
    validFor: Type.Optional(Type.String({ pattern: '^P(?=\\d)(\\d{1,4}Y)?(\\d{1,4}M)?(\\d{1,4}W)?(\\d{1,5}D)?$' })),
    language: Type.Optional(Type.String({ pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$', maxLength: 35 })),
    explicit: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const Receipt = Type.Object({ receiptId: Type.String(), jws: Type.String(), claims: Type.Record(Type.String(), Type.Unknown()) });
const Verification = Type.Object({
  valid: Type.Boolean(),
  reason: Type.Optional(Type.String()),
  kid: Type.Optional(Type.String()),
  claims: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});
const Analytics = Type.Object({
  from: Type.String(),
  to: Type.String(),
  purposes: Type.Array(
    Type.Object({
      purpose: Type.String(),
      daily: Type.Array(Type.Object({ day: Type.String(), given: Type.Integer(), withdrawn: Type.Integer(), refused: Type.Integer(), requested: Type.Integer() })),
      valid: Type.Integer(),
      records: Type.Integer(),
      rate: Type.Number(),
      expiringSoon: Type.Integer(),
    }),
  ),
  forms: Type.Array(
    Type.Object({
      formId: Type.String(),
      given: Type.Integer(),
      requested: Type.Integer(),
      withdrawn: Type.Integer(),
      daily: Type.Array(Type.Object({ day: Type.String(), given: Type.Integer(), withdrawn: Type.Integer() })),
    }),
  ),
});
const EvidenceQuery = Type.Object(
  {
    personId: Type.Optional(uuid),
    purpose: Type.Optional(purposeKey),
    formId: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' })),
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('html')])),
  },
  { additionalProperties: false },
);

/**
 * Consent records, receipts, evidence and analytics for staff; receipt verification, receipt keys and the GPC
 * support document for anyone.
 */
export function consentRoutes(deps: Pick<AppDeps, 'db' | 'clock' | 'consent' | 'receipts'>): FastifyPluginAsync {
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['consent'];
    const db = deps.db.kysely;

    app.get(
      '/api/v1/people/:id/consent-records',
      {
        config: { access: 'privacy:read' },
        schema: { tags, summary: "A person's consent records (ISO/IEC TS 27560) with every event and its evidence", params: Type.Object({ id: uuid }), response: { 200: Type.Object({ items: Type.Array(ConsentRecord) }) } },
      },
      async (request) => {
        const records = await deps.consent.recordsOf(db, requestContext(request), request.params.id);
        return { items: records.map((r) => ({ ...r, events: r.events.map((e) => ({ ...e, evidence: { ...e.evidence } })) })) };
      },
    );

    app.post(
      '/api/v1/consents',
      {
        config: { access: 'privacy:write' },
        schema: { tags, summary: 'Record a consent event (staff from a call or letter, or an integration through the API)', body: NewConsent, response: { 201: ConsentEvent } },
      },
      async (request, reply) => {
        const event = await deps.consent.record(db, requestContext(request), request.body);
        return reply.code(201).send({ ...event, evidence: { ...event.evidence } });
      },
    );

    app.get(
      '/api/v1/consents/events/:id/receipt',
      { config: { access: 'privacy:read' }, schema: { tags, summary: 'The signed receipt (JWS) of a consent event', params: Type.Object({ id: uuid }), response: { 200: Receipt } } },
      async (request) => deps.receipts.issue(db, requestContext(request).workspaceId, request.params.id),
    );

    app.get(
      '/api/v1/consents/evidence',
      {
        config: { access: 'privacy:read' },
        schema: { tags, summary: 'Consent evidence for a person, a purpose or a form: JSON, or a printable page (format=html)', querystring: EvidenceQuery },
      },
      async (request, reply) => {
        const { format, ...filter } = request.query;
        const ctx = requestContext(request);
        const report = await consentEvidenceReport(db, deps, ctx.workspaceId, filter, deps.clock.now().toISOString());
        if (format === 'html') {
          const ws = await db.selectFrom('workspaces').select('name').where('id', '=', ctx.workspaceId).executeTakeFirstOrThrow();
          return reply.type('text/html; charset=utf-8').send(evidenceReportHtml(report, ws.name));
        }
        return reply.header('content-disposition', 'attachment; filename="consent-evidence.json"').send(report);
      },
    );

    app.get(
      '/api/v1/consents/analytics',
      {
        config: { access: 'privacy:read' },
        schema: { tags, summary: 'Consent rate per purpose and form over time, withdrawals, expiring soon', querystring: Type.Object({ days: Type.Optional(Type.Integer({ minimum: 1, maximum: 730, default: 90 })) }, { additionalProperties: false }), response: { 200: Analytics } },
      },
      async (request) => {
        const now = deps.clock.now();
        const from = new Date(now.getTime() - (request.query.days ?? 90) * 86_400_000).toISOString();
        const stats = await consentAnalytics(db, requestContext(request).workspaceId, { from, now: now.toISOString() });
        return { ...stats, purposes: stats.purposes.map((p) => ({ ...p, daily: [...p.daily] })), forms: stats.forms.map((f) => ({ ...f, daily: [...f.daily] })) };
      },
    );

    app.get(
      '/api/v1/consents/eligible',
      {
        config: { access: 'privacy:read' },
        schema: {
          tags,
          summary: 'How many people may be contacted under a consent-based purpose now (valid consent, no objection, no restriction)',
          querystring: Type.Object({ purpose: purposeKey }, { additionalProperties: false }),
          response: { 200: Type.Object({ purpose: Type.String(), at: Type.String(), count: Type.Integer() }) },
        },
      },
      async (request) => {
        const at = deps.clock.now().toISOString();
        const ids = await eligibleRecipients(db, requestContext(request).workspaceId, request.query.purpose, at);
        return { purpose: request.query.purpose, at, count: ids.length };
      },
    );

    app.post(
      '/api/v1/public/receipts/verify',
      {
        config: { access: 'public' },
        schema: { tags, summary: 'Verify a consent receipt (anyone holding one may check it)', body: Type.Object({ jws: Type.String({ maxLength: 64_000 }) }, { additionalProperties: false }), response: { 200: Verification } },
      },
      async (request) => {
        const result = await deps.receipts.verify(request.body.jws);
        return result.valid ? { valid: true, kid: result.kid, claims: result.claims } : { valid: false, reason: result.reason };
      },
    );

    app.get(
      '/api/v1/public/receipt-keys/:workspaceId',
      {
        config: { access: 'public' },
        schema: { tags, summary: "A workspace's receipt public keys (JWK set); 404 before its first receipt", params: Type.Object({ workspaceId: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }) }) },
      },
      async (request) => {
        const jwks = await deps.receipts.publicKeys(request.params.workspaceId);
        // No key: an unknown workspace, or one that never issued a receipt.
        if (jwks.keys.length === 0) throw new AppError('NOT_FOUND', { resource: 'receipt key' });
        return jwks;
      },
    );

    app.get(
      '/.well-known/gpc.json',
      { config: { access: 'public' }, schema: { tags, summary: 'Global Privacy Control support declaration' } },
      async () => gpcSupportDocument,
    );
  };
}
