import type { ConsentService } from '../../consent/records/consent-service.ts';
import type { ReceiptService } from '../../consent/receipts/receipt-service.ts';
import type { GovernanceArea } from '../../governance/organisation/governance-area.ts';
import type { Catalogue } from '../../kernel/catalogue/create-catalogue.ts';
import type { FieldCipher } from '../../kernel/crypto/field-cipher.ts';
import type { KeyService } from '../../kernel/crypto/key-service.ts';
import type { PurposeRegister } from '../../kernel/purposes/purpose-register.ts';
import { createAccessSectionRegistry, type AccessSectionRegistry } from './access-section.ts';
import { standingSections } from './consent-sections.ts';
import { crmSections } from './crm-sections.ts';
import { webhookDisclosuresSection } from './disclosure-sections.ts';
import { personSections } from './person-sections.ts';
import { registerSections } from './register-sections.ts';
import { requestsSection } from './request-sections.ts';

export interface AccessSectionDeps {
  readonly fieldCipher: FieldCipher;
  readonly keys: Pick<KeyService, 'findDataKey'>;
  readonly consent: Pick<ConsentService, 'recordsOf'>;
  readonly receipts: Pick<ReceiptService, 'issue'>;
  readonly catalogue: Pick<Catalogue, 'listAttributes'>;
  readonly purposes: Pick<PurposeRegister, 'list'>;
  readonly governance: Pick<GovernanceArea, 'processors'>;
}

/**
 * The section registry with every built-in section, in the order of the export: the person's record, CRM records,
 * consent and standing, then the registers that explain the processing. A feature that adds a table holding personal
 * data registers its own section here (or the table goes on the commented exclusion list of the coverage test).
 *
 * @example
 * const sections = createBuiltinAccessSections({ fieldCipher, keys, consent, receipts, catalogue, purposes, governance });
 * sections.coveredTables().has('person_tags'); // true
 */
export function createBuiltinAccessSections(deps: AccessSectionDeps): AccessSectionRegistry {
  return createAccessSectionRegistry([
    ...personSections(deps),
    ...crmSections(deps),
    ...standingSections(deps),
    requestsSection(),
    webhookDisclosuresSection(),
    ...registerSections(deps),
  ]);
}
