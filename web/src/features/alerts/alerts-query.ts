import type { RequestBody, Success } from '../../api/api-types.ts';

export type Alert = Success<'/api/v1/alerts/{id}', 'get'>;
export type AlertRules = Success<'/api/v1/alert-rules', 'get'>;
export type AlertRulesBody = RequestBody<'/api/v1/alert-rules', 'put'>;

/** Cache key of alerts and their rules; every change invalidates it. */
export const alertsKey = ['alerts'] as const;

/** The `If-Match` header of a version read earlier. */
export function ifMatch(version: number): { 'if-match': string } {
  return { 'if-match': `"${version}"` };
}

export const severityColors: Record<Alert['severity'], string> = {
  low: 'gray',
  medium: 'yellow',
  high: 'orange',
  critical: 'red',
};

export const statusLabels: Record<Alert['status'], string> = {
  open: 'Open',
  acknowledged: 'Acknowledged',
  dismissed: 'Dismissed',
  incident: 'Incident opened',
};

export const subjectLabels: Record<Alert['subjectType'], string> = {
  user: 'User',
  token: 'API token',
  account: 'Account',
  address: 'Client address (digest)',
  role: 'Role',
  workspace: 'Whole workspace',
};

export const ruleLabels: Record<Alert['rule'], string> = {
  bulk_export: 'Bulk exports',
  bulk_read: 'Bulk reads',
  out_of_hours: 'Outside working hours',
  failed_sign_ins_account: 'Failed sign-ins per account',
  failed_sign_ins_address: 'Failed sign-ins per address',
  privilege_escalation: 'Privilege escalation',
  special_category_access: 'Special-category access',
  token_new_address: 'Token from a new address',
  workspace_volume_spike: 'Workspace volume spike',
};
