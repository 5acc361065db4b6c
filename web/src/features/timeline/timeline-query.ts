import type { RequestBody, Success } from '../../api/api-types.ts';

/** The records that have a timeline (the console's `RecordEntity`). */
export type TimelineEntity = 'person' | 'organization' | 'deal';

export type TimelinePage = Success<'/api/v1/people/{id}/timeline', 'get'>;
export type TimelineEntry = TimelinePage['items'][number];
export type NewActivity = RequestBody<'/api/v1/activities', 'post'>;
export type ActivityType = NewActivity['type'];

/** Cache key of a record's timeline. */
export function timelineQueryKey(entity: TimelineEntity, id: string) {
  return ['timeline', entity, id] as const;
}

export const activityTypeLabels: Record<ActivityType, string> = {
  note: 'Note',
  call: 'Call',
  meeting: 'Meeting',
  email: 'Email',
};

/** A label for an entry's kind (`activity.call` → `Call`, `task.done` → `Task done`, others as sent). */
export function kindLabel(kind: string): string {
  const [area, what = ''] = kind.split('.');
  if (area === 'activity' && what in activityTypeLabels) return activityTypeLabels[what as ActivityType];
  if (area === 'task') return what === 'open' ? 'Task' : `Task ${what}`;
  return kind.replace(/[._]/g, ' ');
}

/**
 * A `datetime-local` input's value for an instant, in the viewer's zone.
 *
 * @example
 * localInputValue(new Date()); // '2026-03-02T11:00'
 */
export function localInputValue(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
