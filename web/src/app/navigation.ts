import { lazy, type ComponentType, type LazyExoticComponent } from 'react';

/** The groups of the side navigation, in display order. */
export const navigationSections = [
  { key: 'overview', label: 'Overview' },
  { key: 'crm', label: 'CRM' },
  { key: 'privacy', label: 'Privacy' },
  { key: 'governance', label: 'Governance' },
  { key: 'administration', label: 'Administration' },
  { key: 'account', label: 'You' },
] as const;

export type NavigationSection = (typeof navigationSections)[number]['key'];

export interface NavigationItem {
  /** Route path; never carries personal data (ids only, and only below the item's own path). */
  readonly path: string;
  readonly label: string;
  /** Permission the signed-in user needs to see the item and open the page; none means any signed-in user. */
  readonly permission?: string;
  readonly section: NavigationSection;
  /** The page, loaded when first opened. */
  readonly page: LazyExoticComponent<ComponentType>;
}

/** Wraps a feature module's named page export for `React.lazy` (features use named exports only). */
function page<K extends string>(
  load: () => Promise<Record<K, ComponentType>>,
  name: K,
): LazyExoticComponent<ComponentType> {
  return lazy(async () => ({ default: (await load())[name] }));
}

/**
 * Every page of the console's side navigation. A feature slots in with one line here; the routes, the menu and the
 * permission check all follow from it. (One line per page, kept so by `prettier-ignore`.)
 *
 * @example
 * { path: '/people', label: 'People', permission: 'people:read', section: 'crm', page: page(() => import('../features/people/people-page.tsx'), 'PeoplePage') },
 */
// prettier-ignore
export const navigation: readonly NavigationItem[] = [
  { path: '/', label: 'Home', section: 'overview', page: page(() => import('../features/home/home-page.tsx'), 'HomePage') },
  { path: '/people', label: 'People', permission: 'people:read', section: 'crm', page: page(() => import('../features/people/people-page.tsx'), 'PeoplePage') },
  { path: '/import', label: 'Import people', permission: 'people:import', section: 'crm', page: page(() => import('../features/import/import-page.tsx'), 'ImportPage') },
  { path: '/duplicates', label: 'Possible duplicates', permission: 'people:read', section: 'crm', page: page(() => import('../features/duplicates/duplicates-page.tsx'), 'DuplicatesPage') },
  { path: '/organizations', label: 'Organizations', permission: 'crm:read', section: 'crm', page: page(() => import('../features/organizations/organizations-page.tsx'), 'OrganizationsPage') },
  { path: '/deals', label: 'Deals', permission: 'crm:read', section: 'crm', page: page(() => import('../features/deals/deals-page.tsx'), 'DealsPage') },
  { path: '/pipelines', label: 'Pipelines', permission: 'crm:configure', section: 'crm', page: page(() => import('../features/deals/pipeline-settings-page.tsx'), 'PipelineSettingsPage') },
  { path: '/catalogue', label: 'Data catalogue', permission: 'catalogue:read', section: 'privacy', page: page(() => import('../features/catalogue/catalogue-page.tsx'), 'CataloguePage') },
  { path: '/purposes', label: 'Purposes', permission: 'purposes:read', section: 'privacy', page: page(() => import('../features/purposes/purposes-page.tsx'), 'PurposesPage') },
  { path: '/consents', label: 'Consents', permission: 'privacy:read', section: 'privacy', page: page(() => import('../features/consent/consents-page.tsx'), 'ConsentsPage') },
  { path: '/notices', label: 'Privacy notices', permission: 'purposes:read', section: 'privacy', page: page(() => import('../features/consent/notices-page.tsx'), 'NoticesPage') },
  { path: '/requests', label: 'Requests', permission: 'requests:read', section: 'privacy', page: page(() => import('../features/requests/requests-page.tsx'), 'RequestsPage') },
  { path: '/privacy-portal', label: 'Privacy portal', permission: 'requests:read', section: 'privacy', page: page(() => import('../features/portal-settings/privacy-portal-page.tsx'), 'PrivacyPortalPage') },
  { path: '/incidents', label: 'Incidents', permission: 'monitoring:read', section: 'privacy', page: page(() => import('../features/incidents/incidents-page.tsx'), 'IncidentsPage') },
  { path: '/alerts', label: 'Alerts', permission: 'monitoring:read', section: 'privacy', page: page(() => import('../features/alerts/alerts-page.tsx'), 'AlertsPage') },
  { path: '/alert-rules', label: 'Alert rules', permission: 'monitoring:write', section: 'privacy', page: page(() => import('../features/alerts/alert-rules-page.tsx'), 'AlertRulesPage') },
  { path: '/erasure', label: 'Erasure certificates', permission: 'privacy:read', section: 'privacy', page: page(() => import('../features/erasure/erasure-page.tsx'), 'ErasurePage') },
  { path: '/retention', label: 'Retention', permission: 'retention:read', section: 'privacy', page: page(() => import('../features/retention/retention-page.tsx'), 'RetentionPage') },
  { path: '/legal-holds', label: 'Legal holds', permission: 'privacy:read', section: 'privacy', page: page(() => import('../features/legal-holds/legal-holds-page.tsx'), 'LegalHoldsPage') },
  { path: '/governance/organisation', label: 'Organisation', permission: 'governance:read', section: 'governance', page: page(() => import('../features/governance/organisation-page.tsx'), 'OrganisationPage') },
  { path: '/governance/processors', label: 'Processors', permission: 'governance:read', section: 'governance', page: page(() => import('../features/governance/processors-page.tsx'), 'ProcessorsPage') },
  { path: '/governance/transfers', label: 'Transfers', permission: 'governance:read', section: 'governance', page: page(() => import('../features/governance/transfers-page.tsx'), 'TransfersPage') },
  { path: '/governance/ropa', label: 'Records of processing', permission: 'governance:read', section: 'governance', page: page(() => import('../features/governance/ropa-page.tsx'), 'RopaPage') },
  { path: '/governance/dpias', label: 'DPIAs', permission: 'governance:read', section: 'governance', page: page(() => import('../features/governance/dpias-page.tsx'), 'DpiasPage') },
  { path: '/users', label: 'Users', permission: 'users:read', section: 'administration', page: page(() => import('../features/users/users-page.tsx'), 'UsersPage') },
  { path: '/roles', label: 'Roles', permission: 'roles:read', section: 'administration', page: page(() => import('../features/roles/roles-page.tsx'), 'RolesPage') },
  { path: '/audit', label: 'Audit log', permission: 'audit:read', section: 'administration', page: page(() => import('../features/audit/audit-page.tsx'), 'AuditPage') },
  { path: '/settings', label: 'Settings', permission: 'settings:read', section: 'administration', page: page(() => import('../features/settings/settings-page.tsx'), 'SettingsPage') },
  { path: '/consent-forms', label: 'Consent forms', permission: 'privacy:read', section: 'privacy', page: page(() => import('../features/forms/forms-page.tsx'), 'FormsPage') },
  { path: '/webhooks', label: 'Webhooks', permission: 'webhooks:manage', section: 'administration', page: page(() => import('../features/webhooks/webhooks-page.tsx'), 'WebhooksPage') },
  { path: '/email-settings', label: 'Email settings', permission: 'settings:read', section: 'administration', page: page(() => import('../features/forms/mail-settings-page.tsx'), 'MailSettingsPage') },
  { path: '/account', label: 'My account', section: 'account', page: page(() => import('../features/account/account-page.tsx'), 'AccountPage') },
  { path: '/training', label: 'Staff training', permission: 'governance:read', section: 'governance', page: page(() => import('../features/training/training-page.tsx'), 'TrainingPage') },
  { path: '/bulletins', label: 'Bulletins', permission: 'governance:read', section: 'governance', page: page(() => import('../features/bulletins/bulletins-page.tsx'), 'BulletinsPage') },
  { path: '/my-training', label: 'My training', section: 'account', page: page(() => import('../features/training/my-training-page.tsx'), 'MyTrainingPage') },
  { path: '/my-bulletins', label: 'My bulletins', section: 'account', page: page(() => import('../features/bulletins/my-bulletins-page.tsx'), 'MyBulletinsPage') },
  { path: '/tasks', label: 'My tasks', permission: 'crm:read', section: 'crm', page: page(() => import('../features/tasks/my-tasks-page.tsx'), 'MyTasksPage') },
  { path: '/search', label: 'Search', section: 'crm', page: page(() => import('../features/search/search-page.tsx'), 'SearchPage') },
  { path: '/export', label: 'Export', permission: 'crm:read', section: 'crm', page: page(() => import('../features/export/export-page.tsx'), 'ExportPage') },
  { path: '/custom-fields', label: 'Custom fields', permission: 'crm:configure', section: 'administration', page: page(() => import('../features/custom-fields/custom-fields-page.tsx'), 'CustomFieldsPage') },
  { path: '/dashboard/privacy', label: 'Privacy dashboard', permission: 'compliance:read', section: 'overview', page: page(() => import('../features/dpo-dashboard/dpo-dashboard-page.tsx'), 'DpoDashboardPage') },
  { path: '/compliance', label: 'Compliance audits', permission: 'compliance:read', section: 'governance', page: page(() => import('../features/compliance/compliance-page.tsx'), 'CompliancePage') },
];

/**
 * The items a user may see: those without a permission, and those whose permission the user holds.
 *
 * @example
 * visibleNavigation(navigation, new Set(me.permissions));
 */
export function visibleNavigation(
  items: readonly NavigationItem[],
  permissions: ReadonlySet<string>,
): NavigationItem[] {
  return items.filter((item) => item.permission === undefined || permissions.has(item.permission));
}
