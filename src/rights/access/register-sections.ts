import type { GovernanceArea } from '../../governance/organisation/governance-area.ts';
import type { Catalogue } from '../../kernel/catalogue/create-catalogue.ts';
import type { PurposeRegister } from '../../kernel/purposes/purpose-register.ts';
import type { AccessSection } from './access-section.ts';

/**
 * Sections that explain the processing (Art. 15(1)(a)-(h)): the processing log (audit entries naming the person's
 * pseudonym), purposes with their lawful bases and Art. 9 conditions, recipients and processors, retention per
 * category. None counts for portability.
 *
 * @example
 * const sections = registerSections({ catalogue, purposes, governance });
 */
export function registerSections(deps: {
  readonly catalogue: Pick<Catalogue, 'listAttributes'>;
  readonly purposes: Pick<PurposeRegister, 'list'>;
  readonly governance: Pick<GovernanceArea, 'processors'>;
}): AccessSection[] {
  const processingLog: AccessSection = {
    key: 'processing_log',
    tables: ['audit_log'],
    portability: false,
    async collect(c) {
      const rows = await c.db
        .selectFrom('audit_log')
        .select(['seq', 'at', 'actor_type', 'action', 'resource_type', 'purpose', 'outcome', 'details'])
        .where('workspace_id', '=', c.workspaceId)
        .where('subject_pseudonym', '=', c.person.pseudonym)
        .orderBy('seq')
        .execute();
      return {
        items: rows.map((r) => {
          let details: unknown = {};
          try {
            details = JSON.parse(r.details) as unknown;
          } catch {
            details = {};
          }
          return {
            seq: Number(r.seq),
            at: r.at,
            action: r.action,
            actorType: r.actor_type,
            resourceType: r.resource_type,
            purpose: r.purpose,
            outcome: r.outcome,
            details,
          };
        }),
      };
    },
  };

  const purposes: AccessSection = {
    key: 'purposes',
    tables: ['purposes'],
    portability: false,
    async collect(c) {
      const list = await deps.purposes.list(c.db, c.workspaceId);
      return {
        items: list.map((p) => ({
          key: p.key,
          name: p.name,
          description: p.description,
          lawfulBasis: p.lawfulBasis,
          art9Condition: p.art9Condition,
          legitimateInterestAssessment: p.legitimateInterestAssessment,
          categories: [...p.requiredCategories, ...p.optionalCategories],
          retention: p.retention,
          recipients: p.recipients,
          active: p.active,
          directMarketing: p.directMarketing,
          version: p.version,
        })),
      };
    },
  };

  const recipients: AccessSection = {
    key: 'recipients',
    tables: ['governance_processors'],
    portability: false,
    async collect(c) {
      const list = await deps.purposes.list(c.db, c.workspaceId);
      const processors = await deps.governance.processors.listAll(c.db, c.workspaceId);
      const named = new Map<string, string[]>();
      for (const p of list) for (const r of p.recipients) named.set(r, [...(named.get(r) ?? []), p.key]);
      return {
        items: [
          ...[...named].map(([name, keys]) => ({
            kind: 'recipient',
            name,
            role: null,
            services: null,
            purposes: keys,
            dataCategories: [],
            countries: [],
          })),
          ...processors.map((p) => ({
            kind: 'processor',
            name: p.name,
            role: p.role,
            services: p.services,
            purposes: p.purposes,
            dataCategories: p.dataCategories,
            countries: p.countries,
          })),
        ],
      };
    },
  };

  const retention: AccessSection = {
    key: 'retention',
    tables: ['catalogue_attributes'],
    portability: false,
    async collect(c) {
      const attributes = await deps.catalogue.listAttributes(c.db, c.workspaceId);
      return {
        items: attributes.map((a) => ({
          entity: a.entity,
          attribute: a.attribute,
          category: a.category,
          special: a.special,
          source: a.source,
          retention: a.retention,
          description: a.description,
        })),
      };
    },
  };

  return [processingLog, purposes, recipients, retention];
}
