import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { isAppError } from '../../errors.ts';
import { erasureExceptions } from '../../kernel/erasure/erasure-exceptions.ts';
import type { ProcessingContext } from '../../kernel/gate/processing-context.ts';
import { restrictionReasons } from '../../kernel/standing/standing-types.ts';
import { maxAssessment } from '../../rights/fulfilment/fulfil-objection.ts';
import { rectifiableFields } from '../../rights/fulfilment/rectification-policy.ts';
import { requestStatuses, requestTypes, type RequestView } from '../../rights/requests/request-types.ts';
import type { AppDeps } from '../app.ts';
import { expectedVersion, IfMatchHeader, withEtag } from '../optimistic-concurrency.ts';
import { processingContextOf } from '../purpose-header.ts';
import { requestContext } from '../request-context.ts';
import { CertificateSchema } from './erasure-routes.ts';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) }, { additionalProperties: false });
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const Empty = Type.Object({}, { additionalProperties: false });
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max, pattern: '\\S' });
const PurposeKeys = Type.Array(Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z][a-z0-9_]*$' }), {
  minItems: 1,
  maxItems: 50,
  uniqueItems: true,
});

/** The request after a fulfilment step (the full view is `GET /api/v1/requests/:id`). */
const FulfilledRequest = Type.Object({
  id: Type.String(),
  reference: Type.String(),
  type: literals(requestTypes),
  status: literals(requestStatuses),
  completedAt: Nullable(Type.String()),
  refusalReason: Nullable(Type.String()),
  version: Type.Integer(),
});
const Outcome = Type.Array(Type.String(), { description: 'Sentences the person reads on the portal' });
const Recipients = Type.Array(Type.String(), { description: 'Art. 19 recipients told of the change' });
const Flagged = Type.Object({ section: Type.String(), recordId: Type.String(), reason: Type.String() });

const ExportResult = Type.Object({
  request: FulfilledRequest,
  filename: Type.String(),
  bytes: Type.Integer(),
  flaggedForReview: Type.Array(Flagged),
  released: Type.Boolean(),
});
const RectificationLine = Type.Object({
  field: Type.String(),
  supported: Type.Boolean(),
  current: Nullable(Type.String()),
  proposed: Type.String(),
  autoApply: Type.Boolean(),
});
const RectificationBody = Type.Object(
  {
    decisions: Type.Array(
      Type.Object(
        {
          field: Type.String({ minLength: 1, maxLength: 64 }),
          decision: literals(['approve', 'reject'] as const),
          reason: Text(500),
        },
        { additionalProperties: false },
      ),
      { maxItems: 50 },
    ),
  },
  { additionalProperties: false },
);
const Kept = Type.Object({
  eraser: Type.String(),
  category: Type.String(),
  purpose: Type.String(),
  since: Type.String(),
  count: Type.Integer(),
  exception: literals(Object.keys(erasureExceptions) as (keyof typeof erasureExceptions)[]),
  reason: Type.String(),
  until: Type.String(),
  sentence: Type.String(),
});
const Objection = Type.Object({
  objectionId: Type.String(),
  purpose: Type.String(),
  directMarketing: Type.Boolean(),
  outcome: literals(['pending', 'upheld', 'rejected'] as const),
});
const ObjectionResult = Type.Object({ request: FulfilledRequest, objections: Type.Array(Objection) });
const Policy = Type.Object(
  {
    autoApply: Type.Array(literals(rectifiableFields), {
      maxItems: rectifiableFields.length,
      uniqueItems: true,
    }),
  },
  { additionalProperties: false },
);

const brief = (v: RequestView): Static<typeof FulfilledRequest> => ({
  id: v.id,
  reference: v.reference,
  type: v.type,
  status: v.status,
  completedAt: v.completedAt,
  refusalReason: v.refusalReason,
  version: v.version,
});

/**
 * Fulfilment of data subject requests (`requests:write`), under `/api/v1/requests/:id/fulfilment/…`: build the
 * access or portability export (and confirm its release after review), review and apply a rectification, preview and
 * run an erasure, restrict and (after a notice to the person) lift, record an objection and its assessment, withdraw
 * consent. Every action needs `If-Match` with the request's ETag; every refused attempt is audited as denied.
 */
export function fulfilmentRoutes(
  deps: Pick<AppDeps, 'db' | 'purposes' | 'requests' | 'fulfilment'>,
): FastifyPluginAsync {
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['fulfilment'];
    const { fulfilment } = deps;

    /** Runs `work` in the request's processing context; a refused attempt (4xx) is audited as denied. */
    async function guarded<T>(
      request: FastifyRequest,
      reply: FastifyReply,
      action: string,
      id: string,
      work: (ctx: ProcessingContext) => Promise<T>,
    ): Promise<T> {
      const rc = requestContext(request);
      try {
        return await work(await processingContextOf(request, reply, deps));
      } catch (e) {
        // An unknown or foreign request id was already audited by the inbox.
        if (isAppError(e) && e.status < 500 && e.details.resource !== 'request')
          await deps.requests.auditDenied(rc, `fulfilment.${action}`, id, e);
        throw e;
      }
    }

    app.post(
      '/api/v1/requests/:id/fulfilment/export',
      {
        config: { access: 'requests:write' },
        schema: {
          tags,
          summary:
            'Access or portability: build the export, store it and complete the request, unless items naming other people need review first (If-Match)',
          params: IdParams,
          headers: IfMatchHeader,
          body: Empty,
          response: { 200: ExportResult },
        },
      },
      async (request, reply) => {
        const r = await guarded(request, reply, 'export', request.params.id, (ctx) =>
          fulfilment.access.buildExport(ctx, request.params.id, {
            expectedVersion: expectedVersion(request, 'request'),
          }),
        );
        return withEtag(reply, r.request.version).send({
          ...r,
          request: brief(r.request),
          flaggedForReview: [...r.flaggedForReview],
        });
      },
    );

    app.get(
      '/api/v1/requests/:id/fulfilment/export/review',
      {
        config: { access: 'requests:write' },
        schema: {
          tags,
          summary:
            'The items of the export waiting for review before release (Art. 15(4)); empty when none waits',
          params: IdParams,
          response: { 200: Type.Object({ pending: Type.Boolean(), flaggedForReview: Type.Array(Flagged) }) },
        },
      },
      async (request) => {
        const rc = requestContext(request);
        await deps.requests.open(deps.db.kysely, rc, request.params.id);
        const flagged = await fulfilment.access.pendingReview(rc.workspaceId, request.params.id);
        return { pending: flagged !== null, flaggedForReview: [...(flagged ?? [])] };
      },
    );

    app.post(
      '/api/v1/requests/:id/fulfilment/export/release',
      {
        config: { access: 'requests:write' },
        schema: {
          tags,
          summary:
            'Confirm the release of a reviewed export: built again, stored, request completed (If-Match)',
          params: IdParams,
          headers: IfMatchHeader,
          body: Type.Object({ note: Text(2000) }, { additionalProperties: false }),
          response: { 200: Type.Object({ request: FulfilledRequest }) },
        },
      },
      async (request, reply) => {
        const v = await guarded(request, reply, 'export_release', request.params.id, (ctx) =>
          fulfilment.access.confirmRelease(ctx, request.params.id, {
            expectedVersion: expectedVersion(request, 'request'),
            note: request.body.note,
          }),
        );
        return withEtag(reply, v.version).send({ request: brief(v) });
      },
    );

    app.get(
      '/api/v1/requests/:id/fulfilment/rectification',
      {
        config: { access: 'requests:write' },
        schema: {
          tags,
          summary: 'The proposed values next to the current ones (decrypted through the gate, audited)',
          params: IdParams,
          response: { 200: Type.Object({ request: FulfilledRequest, lines: Type.Array(RectificationLine) }) },
        },
      },
      async (request, reply) => {
        const r = await guarded(request, reply, 'rectification_preview', request.params.id, (ctx) =>
          fulfilment.rectification.preview(ctx, request.params.id),
        );
        return withEtag(reply, r.request.version).send({ request: brief(r.request), lines: r.lines });
      },
    );

    app.post(
      '/api/v1/requests/:id/fulfilment/rectification',
      {
        config: { access: 'requests:write' },
        schema: {
          tags,
          summary:
            'Approve or reject each proposed value with a reason (policy fields apply without one); apply, tell the recipients, complete (If-Match)',
          params: IdParams,
          headers: IfMatchHeader,
          body: RectificationBody,
          response: {
            200: Type.Object({
              request: FulfilledRequest,
              applied: Type.Array(Type.String()),
              rejected: Type.Array(Type.String()),
              recipients: Recipients,
              outcome: Outcome,
            }),
          },
        },
      },
      async (request, reply) => {
        const r = await guarded(request, reply, 'rectification', request.params.id, (ctx) =>
          fulfilment.rectification.decide(ctx, request.params.id, {
            expectedVersion: expectedVersion(request, 'request'),
            decisions: request.body.decisions,
          }),
        );
        return withEtag(reply, r.request.version).send({
          request: brief(r.request),
          applied: [...r.applied],
          rejected: [...r.rejected],
          recipients: [...r.recipients],
          outcome: [...r.outcome],
        });
      },
    );

    app.get(
      '/api/v1/requests/:id/fulfilment/erasure',
      {
        config: { access: 'requests:write' },
        schema: {
          tags,
          summary:
            'Preview of the erasure: legal holds that block it, and what the Art. 17(3) exceptions keep, with the sentences the person reads',
          params: IdParams,
          response: {
            200: Type.Object({
              request: FulfilledRequest,
              legalHolds: Type.Array(Type.String()),
              kept: Type.Array(Kept),
              recipients: Recipients,
            }),
          },
        },
      },
      async (request, reply) => {
        const r = await guarded(request, reply, 'erasure_preview', request.params.id, (ctx) =>
          fulfilment.erasure.preview(ctx, request.params.id),
        );
        return withEtag(reply, r.request.version).send({
          request: brief(r.request),
          legalHolds: [...r.legalHolds],
          kept: [...r.kept],
          recipients: [...r.recipients],
        });
      },
    );

    app.post(
      '/api/v1/requests/:id/fulfilment/erasure',
      {
        config: { access: 'requests:write' },
        schema: {
          tags,
          summary:
            'Erase the person through the erasure pipeline; the certificate is returned and linked; a legal hold refuses the request with its reason (If-Match)',
          params: IdParams,
          headers: IfMatchHeader,
          body: Empty,
          response: {
            200: Type.Object({
              request: FulfilledRequest,
              certificate: Type.Union([CertificateSchema, Type.Null()]),
              outcome: Outcome,
              recipients: Recipients,
            }),
          },
        },
      },
      async (request, reply) => {
        const r = await guarded(request, reply, 'erasure', request.params.id, (ctx) =>
          fulfilment.erasure.erase(ctx, request.params.id, {
            expectedVersion: expectedVersion(request, 'request'),
          }),
        );
        return withEtag(reply, r.request.version).send({
          request: brief(r.request),
          certificate: r.certificate,
          outcome: [...r.outcome],
          recipients: [...r.recipients],
        });
      },
    );

    app.post(
      '/api/v1/requests/:id/fulfilment/restriction',
      {
        config: { access: 'requests:write' },
        schema: {
          tags,
          summary:
            'Restrict processing of the person (Art. 18): storage and legal claims only; recipients listed; request completed (If-Match)',
          params: IdParams,
          headers: IfMatchHeader,
          body: Type.Object({ reason: literals(restrictionReasons) }, { additionalProperties: false }),
          response: {
            200: Type.Object({
              request: FulfilledRequest,
              restrictionId: Type.String(),
              outcome: Outcome,
              recipients: Recipients,
            }),
          },
        },
      },
      async (request, reply) => {
        const r = await guarded(request, reply, 'restriction', request.params.id, (ctx) =>
          fulfilment.restriction.restrict(ctx, request.params.id, {
            expectedVersion: expectedVersion(request, 'request'),
            reason: request.body.reason,
          }),
        );
        return withEtag(reply, r.request.version).send({
          request: brief(r.request),
          restrictionId: r.restrictionId,
          outcome: [...r.outcome],
          recipients: [...r.recipients],
        });
      },
    );

    app.post(
      '/api/v1/requests/:id/fulfilment/restriction/lift-notice',
      {
        config: { access: 'requests:write' },
        schema: {
          tags,
          summary:
            'Email the person that the restriction will be lifted, and why (Art. 18(3)); recorded on the request (If-Match)',
          params: IdParams,
          headers: IfMatchHeader,
          body: Type.Object({ reason: Text(1000) }, { additionalProperties: false }),
          response: { 200: Type.Object({ request: FulfilledRequest, sentAt: Type.String() }) },
        },
      },
      async (request, reply) => {
        const r = await guarded(request, reply, 'restriction_lift_notice', request.params.id, (ctx) =>
          fulfilment.restriction.sendLiftNotice(ctx, request.params.id, {
            expectedVersion: expectedVersion(request, 'request'),
            reason: request.body.reason,
          }),
        );
        return withEtag(reply, r.request.version).send({ request: brief(r.request), sentAt: r.sentAt });
      },
    );

    app.post(
      '/api/v1/requests/:id/fulfilment/restriction/lift',
      {
        config: { access: 'requests:write' },
        schema: {
          tags,
          summary:
            'Lift the restriction; refused (FULFILMENT_LIFT_NOTICE_REQUIRED) until the person was told (If-Match)',
          params: IdParams,
          headers: IfMatchHeader,
          body: Empty,
          response: { 200: Type.Object({ request: FulfilledRequest, liftedAt: Type.String() }) },
        },
      },
      async (request, reply) => {
        const r = await guarded(request, reply, 'restriction_lift', request.params.id, (ctx) =>
          fulfilment.restriction.lift(ctx, request.params.id, {
            expectedVersion: expectedVersion(request, 'request'),
          }),
        );
        return withEtag(reply, r.request.version).send({ request: brief(r.request), liftedAt: r.liftedAt });
      },
    );

    app.get(
      '/api/v1/requests/:id/fulfilment/objection',
      {
        config: { access: 'requests:write' },
        schema: {
          tags,
          summary: 'The objections raised for the request and their outcomes',
          params: IdParams,
          response: { 200: Type.Object({ objections: Type.Array(Objection) }) },
        },
      },
      async (request) => {
        const rc = requestContext(request);
        await deps.requests.open(deps.db.kysely, rc, request.params.id);
        return { objections: await fulfilment.objection.list(rc.workspaceId, request.params.id) };
      },
    );

    app.post(
      '/api/v1/requests/:id/fulfilment/objection',
      {
        config: { access: 'requests:write' },
        schema: {
          tags,
          summary:
            'Record the objection (Art. 21): direct marketing upheld at once with suppression; legitimate-interest purposes pending (processing paused) until assessed (If-Match)',
          params: IdParams,
          headers: IfMatchHeader,
          body: Type.Object({ purposes: Type.Optional(PurposeKeys) }, { additionalProperties: false }),
          response: { 200: ObjectionResult },
        },
      },
      async (request, reply) => {
        const r = await guarded(request, reply, 'objection', request.params.id, (ctx) =>
          fulfilment.objection.raise(ctx, request.params.id, {
            expectedVersion: expectedVersion(request, 'request'),
            purposes: request.body.purposes,
          }),
        );
        return withEtag(reply, r.request.version).send({
          request: brief(r.request),
          objections: [...r.objections],
        });
      },
    );

    app.post(
      '/api/v1/requests/:id/fulfilment/objection/assessment',
      {
        config: { access: 'requests:write' },
        schema: {
          tags,
          summary:
            'Record the assessment of a pending objection and its outcome (upheld, or rejected on compelling legitimate grounds) (If-Match)',
          params: IdParams,
          headers: IfMatchHeader,
          body: Type.Object(
            {
              objectionId: Type.String({ format: 'uuid' }),
              outcome: literals(['upheld', 'rejected'] as const),
              assessment: Type.String({ minLength: 20, maxLength: maxAssessment, pattern: '\\S' }),
            },
            { additionalProperties: false },
          ),
          response: { 200: ObjectionResult },
        },
      },
      async (request, reply) => {
        const b = request.body;
        const r = await guarded(request, reply, 'objection_assessment', request.params.id, (ctx) =>
          fulfilment.objection.assess(ctx, request.params.id, {
            expectedVersion: expectedVersion(request, 'request'),
            objectionId: b.objectionId,
            outcome: b.outcome,
            assessment: b.assessment,
          }),
        );
        return withEtag(reply, r.request.version).send({
          request: brief(r.request),
          objections: [...r.objections],
        });
      },
    );

    app.post(
      '/api/v1/requests/:id/fulfilment/consent-withdrawal',
      {
        config: { access: 'requests:write' },
        schema: {
          tags,
          summary:
            'Withdraw consent for the purposes asked (or every consent in force) and complete the request (If-Match)',
          params: IdParams,
          headers: IfMatchHeader,
          body: Type.Object({ purposes: Type.Optional(PurposeKeys) }, { additionalProperties: false }),
          response: {
            200: Type.Object({
              request: FulfilledRequest,
              withdrawn: Type.Array(Type.String()),
              outcome: Outcome,
            }),
          },
        },
      },
      async (request, reply) => {
        const r = await guarded(request, reply, 'consent_withdrawal', request.params.id, (ctx) =>
          fulfilment.consentWithdrawal.withdraw(ctx, request.params.id, {
            expectedVersion: expectedVersion(request, 'request'),
            purposes: request.body.purposes,
          }),
        );
        return withEtag(reply, r.request.version).send({
          request: brief(r.request),
          withdrawn: [...r.withdrawn],
          outcome: [...r.outcome],
        });
      },
    );

    app.get(
      '/api/v1/fulfilment/rectification-policy',
      {
        config: { access: 'requests:read' },
        schema: {
          tags,
          summary:
            'Fields whose proposed values are applied without a staff decision (setting rights.rectification.autoApply)',
          response: { 200: Policy },
        },
      },
      async (request) => ({
        autoApply: await fulfilment.rectificationPolicy.autoApply(
          deps.db.kysely,
          requestContext(request).workspaceId,
        ),
      }),
    );

    app.put(
      '/api/v1/fulfilment/rectification-policy',
      {
        config: { access: 'requests:write' },
        schema: {
          tags,
          summary: 'Replace the fields applied without a staff decision (audited)',
          body: Policy,
          response: { 200: Policy },
        },
      },
      async (request) => ({
        autoApply: await fulfilment.rectificationPolicy.save(
          deps.db.kysely,
          requestContext(request),
          request.body.autoApply,
        ),
      }),
    );
  };
}
