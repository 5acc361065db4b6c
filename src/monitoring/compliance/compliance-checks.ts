import type { ComplianceCheck } from './compliance-check.ts';
import { catalogueChecks } from './checks/catalogue-checks.ts';
import { consentChecks } from './checks/consent-checks.ts';
import { governanceChecks } from './checks/governance-checks.ts';
import { identityChecks } from './checks/identity-checks.ts';
import { purposeChecks } from './checks/purpose-checks.ts';
import { retentionChecks } from './checks/retention-checks.ts';
import { responseChecks } from './checks/response-checks.ts';
import { securityChecks } from './checks/security-checks.ts';
import { trainingChecks } from './checks/training-checks.ts';

/**
 * Every automated compliance check, one group per file under `checks/`. A new check is added to its group's list.
 *
 * @example
 * complianceChecks.find((c) => c.key === 'purpose.no-lawful-basis')?.severity; // 'critical'
 */
export const complianceChecks: readonly ComplianceCheck[] = [
  ...purposeChecks,
  ...catalogueChecks,
  ...consentChecks,
  ...governanceChecks,
  ...identityChecks,
  ...securityChecks,
  ...trainingChecks,
  ...retentionChecks,
  ...responseChecks,
];
