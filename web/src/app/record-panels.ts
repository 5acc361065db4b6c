import { lazy, type ComponentType, type LazyExoticComponent } from 'react';

/** The CRM records whose detail pages show panels from other features. */
export type RecordEntity = 'person' | 'organization' | 'deal';

export interface RecordPanel {
  readonly entity: RecordEntity;
  /** Stable key (also the panel's `data-testid` suffix). */
  readonly key: string;
  readonly title: string;
  /** Permission the signed-in user needs to see the panel. */
  readonly permission?: string;
  /** Display order on the page, smaller first. */
  readonly order: number;
  readonly panel: LazyExoticComponent<ComponentType<{ recordId: string }>>;
}

/** Wraps a feature module's named panel export for `React.lazy`. */
function panel<K extends string>(
  load: () => Promise<Record<K, ComponentType<{ recordId: string }>>>,
  name: K,
): LazyExoticComponent<ComponentType<{ recordId: string }>> {
  return lazy(async () => ({ default: (await load())[name] }));
}

/**
 * Panels a feature adds to the detail page of a person, an organization or a deal (timeline, tasks, custom fields,
 * deals of a person…). The detail page renders `recordPanels.filter((p) => p.entity === '<its entity>')` sorted by
 * `order`, each inside `<Suspense>`. A feature slots in with one line here.
 *
 * @example
 * { entity: 'person', key: 'timeline', title: 'Timeline', order: 10, panel: panel(() => import('../features/timeline/timeline-panel.tsx'), 'TimelinePanel') },
 */
// prettier-ignore
export const recordPanels: readonly RecordPanel[] = [
  { entity: 'person', key: 'deals', title: 'Deals', permission: 'crm:read', order: 30, panel: panel(() => import('../features/deals/related-deals-panel.tsx'), 'PersonDealsPanel') },
  { entity: 'organization', key: 'deals', title: 'Deals', permission: 'crm:read', order: 5, panel: panel(() => import('../features/deals/related-deals-panel.tsx'), 'OrganizationDealsPanel') },
  { entity: 'person', key: 'consent-history', title: 'Consent history', permission: 'privacy:read', order: 20, panel: panel(() => import('../features/forms/consent-history-panel.tsx'), 'ConsentHistoryPanel') },
  { entity: 'person', key: 'timeline', title: 'Timeline', permission: 'crm:read', order: 10, panel: panel(() => import('../features/timeline/timeline-panel.tsx'), 'PersonTimelinePanel') },
  { entity: 'organization', key: 'timeline', title: 'Timeline', permission: 'crm:read', order: 10, panel: panel(() => import('../features/timeline/timeline-panel.tsx'), 'OrganizationTimelinePanel') },
  { entity: 'deal', key: 'timeline', title: 'Timeline', permission: 'crm:read', order: 10, panel: panel(() => import('../features/timeline/timeline-panel.tsx'), 'DealTimelinePanel') },
  { entity: 'person', key: 'tasks', title: 'Tasks', permission: 'crm:read', order: 20, panel: panel(() => import('../features/tasks/tasks-panel.tsx'), 'PersonTasksPanel') },
  { entity: 'organization', key: 'tasks', title: 'Tasks', permission: 'crm:read', order: 20, panel: panel(() => import('../features/tasks/tasks-panel.tsx'), 'OrganizationTasksPanel') },
  { entity: 'deal', key: 'tasks', title: 'Tasks', permission: 'crm:read', order: 20, panel: panel(() => import('../features/tasks/tasks-panel.tsx'), 'DealTasksPanel') },
  { entity: 'person', key: 'custom-fields', title: 'Custom fields', permission: 'people:read', order: 15, panel: panel(() => import('../features/custom-fields/custom-fields-panel.tsx'), 'PersonCustomFieldsPanel') },
  { entity: 'organization', key: 'custom-fields', title: 'Custom fields', permission: 'crm:read', order: 15, panel: panel(() => import('../features/custom-fields/custom-fields-panel.tsx'), 'OrganizationCustomFieldsPanel') },
  { entity: 'deal', key: 'custom-fields', title: 'Custom fields', permission: 'crm:read', order: 15, panel: panel(() => import('../features/custom-fields/custom-fields-panel.tsx'), 'DealCustomFieldsPanel') },
  { entity: 'person', key: 'access-export', title: 'Access export', permission: 'people:export', order: 90, panel: panel(() => import('../features/access-export/access-export-panel.tsx'), 'AccessExportPanel') },
];

// Kept referenced until the first panel is added (the registry is empty on purpose at first).
export const recordPanelLoader = panel;

/**
 * The fulfilment panel of a data subject request (web/src/features/fulfilment), for the request detail page's own
 * panel registry (web/src/features/requests/request-detail-panels.ts): features reach each other only through here.
 */
export const RequestFulfilmentPanel = lazy(async () => ({ default: (await import('../features/fulfilment/fulfilment-panel.tsx')).FulfilmentPanel }));
