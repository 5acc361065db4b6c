import { lazy, type ComponentType, type LazyExoticComponent } from 'react';

export interface HomeWidget {
  /** Stable key (also its `data-testid`: `home-widget-<key>`). */
  readonly key: string;
  /** Permission the signed-in user needs to see the widget. */
  readonly permission?: string;
  /** Display order, smaller first. */
  readonly order: number;
  readonly widget: LazyExoticComponent<ComponentType>;
}

/** Wraps a feature module's named widget export for `React.lazy`. */
function widget<K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K): LazyExoticComponent<ComponentType> {
  return lazy(async () => ({ default: (await load())[name] }));
}

/**
 * Cards a feature adds to the home page (my tasks, overdue training, governance items due…). The home page renders
 * the ones the user's permissions allow, sorted by `order`, each inside `<Suspense>`. One line per widget.
 *
 * @example
 * { key: 'my-tasks', permission: 'crm:read', order: 10, widget: widget(() => import('../features/tasks/my-tasks-widget.tsx'), 'MyTasksWidget') },
 */
// prettier-ignore
export const homeWidgets: readonly HomeWidget[] = [
  { key: 'my-training', order: 20, widget: widget(() => import('../features/training/my-training-widget.tsx'), 'MyTrainingWidget') },
  { key: 'training-overdue', permission: 'governance:read', order: 21, widget: widget(() => import('../features/training/training-overdue-widget.tsx'), 'TrainingOverdueWidget') },
  { key: 'my-tasks', permission: 'crm:read', order: 10, widget: widget(() => import('../features/tasks/my-tasks-widget.tsx'), 'MyTasksWidget') },
  { key: 'requests-due', permission: 'requests:read', order: 15, widget: widget(() => import('../features/requests/requests-due-widget.tsx'), 'RequestsDueWidget') },
  { key: 'open-incidents', permission: 'monitoring:read', order: 12, widget: widget(() => import('../features/incidents/open-incidents-widget.tsx'), 'OpenIncidentsWidget') },
  { key: 'open-alerts', permission: 'monitoring:read', order: 11, widget: widget(() => import('../features/alerts/open-alerts-widget.tsx'), 'OpenAlertsWidget') },
  { key: 'governance-due', permission: 'governance:read', order: 30, widget: widget(() => import('../features/governance/governance-due-widget.tsx'), 'GovernanceDueWidget') },
  { key: 'privacy-score', permission: 'compliance:read', order: 5, widget: widget(() => import('../features/dpo-dashboard/privacy-score-widget.tsx'), 'PrivacyScoreWidget') },
  { key: 'retention', permission: 'retention:read', order: 32, widget: widget(() => import('../features/retention/retention-widget.tsx'), 'RetentionWidget') },
];

// Kept referenced until the first widget is added (the registry is empty on purpose at first).
export const homeWidgetLoader = widget;
