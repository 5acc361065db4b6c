import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../app.ts';
import { expectedVersion, IfMatchHeader, withEtag } from '../optimistic-concurrency.ts';
import { requestContext } from '../request-context.ts';
import { listDueItems } from '../../governance/organisation/due-items.ts';
import { adequacyDecisions, adequacyListAsOf, eeaCountries } from '../../governance/transfers/adequacy-decisions.ts';
import { countryName } from '../../governance/transfers/country-codes.ts';

const text = (maxLength: number) => Type.String({ maxLength });
const Party = Type.Object(
  { name: text(200), address: text(500), email: Type.Union([Type.Literal(''), Type.String({ format: 'email', maxLength: 254 })]), phone: text(40) },
  { additionalProperties: false },
);
const Dpo = Type.Object(
  { name: text(200), email: Type.Union([Type.Literal(''), Type.String({ format: 'email', maxLength: 254 })]), phone: text(40) },
  { additionalProperties: false },
);
const OrganisationBody = Type.Object(
  {
    controller: Party,
    representative: Type.Union([Party, Type.Null()]),
    dpo: Type.Union([Dpo, Type.Null()]),
  },
  { additionalProperties: false },
);
const Organisation = Type.Object({
  controller: Party,
  representative: Type.Union([Party, Type.Null()]),
  dpo: Type.Union([Dpo, Type.Null()]),
  version: Type.Integer(),
  updatedAt: Type.Union([Type.String(), Type.Null()]),
});

const DueItem = Type.Object({
  key: Type.String(),
  kind: Type.Union(
    ['agreement_expiry', 'processor_review', 'objection_window', 'transfer_expiry', 'transfer_flag', 'dpia_review'].map((k) => Type.Literal(k)),
  ),
  resourceId: Type.String(),
  title: Type.String(),
  dueOn: Type.Union([Type.String(), Type.Null()]),
  overdue: Type.Boolean(),
});

const Country = Type.Object({ code: Type.String(), name: Type.String() });
const Adequacy = Type.Object({
  asOf: Type.String(),
  eea: Type.Array(Country),
  decisions: Type.Array(
    Type.Object({
      country: Type.String(),
      countryName: Type.String(),
      decision: Type.String(),
      adoptedOn: Type.String(),
      coverage: Type.Union([Type.Literal('full'), Type.Literal('partial'), Type.Literal('dpf')]),
      scope: Type.String(),
      validUntil: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
});

/**
 * Governance: organisation settings (controller, EU representative, DPO; versioned, If-Match), the items due, and
 * the Chapter V reference data (EEA and adequacy decisions).
 */
export function governanceOrganisationRoutes(deps: Pick<AppDeps, 'db' | 'clock' | 'governance'>): FastifyPluginAsync {
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['governance'];
    const db = deps.db.kysely;

    app.get(
      '/api/v1/governance/organisation',
      {
        config: { access: 'governance:read' },
        schema: { tags, summary: 'Organisation settings: controller, EU representative, DPO (ETag = version)', response: { 200: Organisation } },
      },
      async (request, reply) => {
        const current = await deps.governance.organisation.get(db, requestContext(request).workspaceId);
        return withEtag(reply, current.version).send(current);
      },
    );

    app.put(
      '/api/v1/governance/organisation',
      {
        config: { access: 'governance:write' },
        schema: {
          tags,
          summary: 'Save the organisation settings as a new version (If-Match: the version read; "0" before the first save)',
          headers: IfMatchHeader,
          body: OrganisationBody,
          response: { 200: Organisation },
        },
      },
      async (request, reply) => {
        const body: Static<typeof OrganisationBody> = request.body;
        const saved = await deps.governance.organisation.put(db, requestContext(request), expectedVersion(request, 'organisation settings'), body);
        return withEtag(reply, saved.version).send(saved);
      },
    );

    app.get(
      '/api/v1/governance/due',
      {
        config: { access: 'governance:read' },
        schema: {
          tags,
          summary: 'Governance items due within 30 days or overdue (agreements, reviews, transfers, DPIAs)',
          response: { 200: Type.Object({ items: Type.Array(DueItem) }) },
        },
      },
      async (request) => ({
        items: await listDueItems(deps.governance, db, requestContext(request).workspaceId, deps.clock.now()),
      }),
    );

    app.get(
      '/api/v1/governance/adequacy',
      {
        config: { access: 'governance:read' },
        schema: { tags, summary: 'The EEA countries and the Art. 45 adequacy decisions Custodian ships (with their as-of date)', response: { 200: Adequacy } },
      },
      async () => ({
        asOf: adequacyListAsOf,
        eea: eeaCountries.map((code) => ({ code, name: countryName(code) })),
        decisions: adequacyDecisions.map((d) => ({ ...d, countryName: countryName(d.country) })),
      }),
    );
  };
}
