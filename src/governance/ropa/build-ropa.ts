import type { DataCategory, DeclaredAttribute } from '../../kernel/catalogue/catalogue-types.ts';
import { categoryWithinAny } from '../../kernel/catalogue/category-prefix.ts';
import type { PurposeRecord } from '../../kernel/purposes/purpose-types.ts';
import { missingOrganisationItems, type OrganisationSettings } from '../organisation/organisation-types.ts';
import type { Processor } from '../processors/processor-types.ts';
import type { Transfer, TransferGap } from '../transfers/transfer-types.ts';
import type { RopaActivity, RopaCategory, RopaDocument, RopaRecipient, RopaTransfer } from './ropa-types.ts';
import { describeSecurityMeasures, type SecurityFacts } from './security-measures.ts';

/** Everything the records of processing are generated from. */
export interface RopaInputs {
  readonly organisation: OrganisationSettings;
  readonly purposes: readonly PurposeRecord[];
  readonly categories: readonly DataCategory[];
  readonly attributes: readonly DeclaredAttribute[];
  readonly processors: readonly Processor[];
  readonly transfers: readonly Transfer[];
  readonly gaps: readonly TransferGap[];
  /** Roles with the purposes they may process for (`*` = all). */
  readonly roles: readonly { readonly name: string; readonly purposes: readonly string[] }[];
  readonly security: SecurityFacts;
}

const entityLabels: Record<string, string> = {
  person: 'People recorded in the CRM (customers, prospects, business contacts)',
};

const sccLabels = ['', 'controller to controller', 'controller to processor', 'processor to processor', 'processor to controller'];

/**
 * The safeguard of a transfer in words.
 *
 * @example
 * safeguardsOf({ tool: 'scc', sccModule: 2, art49Derogation: null }); // 'Standard contractual clauses (2021/914), module 2 (controller to processor)'
 */
export function safeguardsOf(t: Pick<Transfer, 'tool' | 'sccModule' | 'art49Derogation'>): string {
  switch (t.tool) {
    case 'adequacy':
      return 'Adequacy decision (Art. 45)';
    case 'dpf':
      return 'EU–US Data Privacy Framework certification (adequacy decision (EU) 2023/1795)';
    case 'scc':
      return `Standard contractual clauses (2021/914), module ${t.sccModule ?? '?'} (${sccLabels[t.sccModule ?? 0] ?? ''})`;
    case 'bcr':
      return 'Binding corporate rules (Art. 47)';
    case 'art49':
      return `Derogation of Art. 49(1): ${(t.art49Derogation ?? '').replace(/_/g, ' ')}`;
  }
}

/**
 * Generates the controller's records of processing (Art. 30(1)): one activity per purpose of the register, with the
 * controller and DPO, data subjects and categories from the catalogue, recipients from the purpose and the
 * processor register, transfers and their safeguards, erasure time limits, and the security measures of the
 * configuration. A pure function: the same inputs give the same document (and digest).
 *
 * @example
 * const doc = buildRopa({ organisation, purposes, categories, attributes, processors, transfers, gaps, roles, security });
 * doc.activities.map((a) => a.purposeKey); // ['accounting', 'crm', …]
 */
export function buildRopa(inputs: RopaInputs): RopaDocument {
  const categoriesByKey = new Map(inputs.categories.map((c) => [c.key, c]));
  const transfersByProcessor = new Map<string, RopaTransfer[]>();
  const add = (processorId: string, t: RopaTransfer) =>
    transfersByProcessor.set(processorId, [...(transfersByProcessor.get(processorId) ?? []), t]);
  for (const t of inputs.transfers) {
    add(t.processorId, {
      recipient: t.processorName,
      country: t.country,
      countryName: t.countryName,
      safeguards: safeguardsOf(t),
      tiaReference: t.tiaReference,
      supplementaryMeasures: t.supplementaryMeasures,
      flags: [...t.flags],
    });
  }
  for (const g of inputs.gaps) {
    add(g.processorId, {
      recipient: g.processorName,
      country: g.country,
      countryName: g.countryName,
      safeguards: 'none recorded',
      tiaReference: null,
      supplementaryMeasures: null,
      flags: ['missing_tool'],
    });
  }

  const activities: RopaActivity[] = [...inputs.purposes]
    .sort((a, b) => a.key.localeCompare(b.key))
    .map((p) => {
      const prefixes = [...p.requiredCategories, ...p.optionalCategories];
      const attributes = inputs.attributes.filter((a) => categoryWithinAny(a.category, prefixes));
      const dataCategories: RopaCategory[] = prefixes.map((key) => {
        const c = categoriesByKey.get(key);
        return {
          key,
          name: c?.name ?? key,
          special: c?.special ?? false,
          criminal: c?.criminal ?? false,
          attributes: attributes
            .filter((a) => categoryWithinAny(a.category, [key]))
            .map((a) => ({ attribute: `${a.entity}.${a.attribute}`, retention: a.retention })),
        };
      });
      const linked = inputs.processors.filter((x) => x.purposes.includes(p.key));
      const recipients: RopaRecipient[] = [
        ...p.recipients.map((name) => ({ name, kind: 'declared' as const, countries: [], status: 'declared' as const })),
        ...linked.map((x) => ({ name: x.name, kind: x.role, countries: [...x.countries], status: x.status })),
      ];
      return {
        purposeKey: p.key,
        purposeVersion: p.version,
        name: p.name,
        description: p.description,
        active: p.active,
        lawfulBasis: p.lawfulBasis,
        art9Condition: p.art9Condition,
        dataSubjects: [...new Set(attributes.map((a) => entityLabels[a.entity] ?? a.entity))].sort(),
        dataCategories,
        recipients,
        transfers: linked.flatMap((x) => transfersByProcessor.get(x.id) ?? []),
        retention: p.retention,
        accessRoles: inputs.roles
          .filter((r) => r.purposes.includes('*') || r.purposes.includes(p.key))
          .map((r) => r.name)
          .sort(),
      };
    });

  const openItems = [
    ...missingOrganisationItems(inputs.organisation).map((m) => `Organisation settings: ${m} is missing`),
    ...inputs.processors.filter((x) => x.status === 'draft').map((x) => `Processor ${x.name} is a draft (${x.missing.length} items missing)`),
    ...inputs.transfers.filter((t) => t.flags.length > 0).map((t) => `Transfer to ${t.countryName} by ${t.processorName}: ${t.flags.join(', ')}`),
    ...inputs.gaps.map((g) => `Transfer to ${g.countryName} by ${g.processorName}: no transfer tool recorded`),
  ];

  return {
    controller: inputs.organisation.controller,
    representative: inputs.organisation.representative,
    dpo: inputs.organisation.dpo,
    activities,
    securityMeasures: describeSecurityMeasures(inputs.security),
    openItems,
  };
}
