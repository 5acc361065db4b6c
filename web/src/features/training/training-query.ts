import type { RequestBody, Success } from '../../api/api-types.ts';

/** A module with its answers, as managers read it. */
export type TrainingModule = Success<'/api/v1/training/modules', 'get'>['items'][number];
export type NewTrainingModule = RequestBody<'/api/v1/training/modules', 'post'>;
export type TrainingRule = Success<'/api/v1/training/rules', 'get'>['items'][number];
/** One of the signed-in user's assignments. */
export type MyAssignment = Success<'/api/v1/training/me', 'get'>['items'][number];
export type ModuleToTake = Success<'/api/v1/training/me/modules/{id}', 'get'>;
export type AttemptResult = Success<'/api/v1/training/me/modules/{id}/attempts', 'post'>;
export type CompletionRow = Success<'/api/v1/training/reports/completion', 'get'>['items'][number];
export type PersonTrainingRow = Success<'/api/v1/training/reports/people', 'get'>['items'][number];

/** Cache keys: everything under `training` is refreshed after a change. */
export const trainingQueryKey = ['training'] as const;
export const myTrainingQueryKey = ['training', 'me'] as const;

/** Colour and label of an assignment status. */
export const statusBadges: Record<MyAssignment['status'], { color: string; label: string }> = {
  completed: { color: 'green', label: 'Completed' },
  due: { color: 'blue', label: 'Due' },
  overdue: { color: 'red', label: 'Overdue' },
};

/** The calendar day of an ISO instant, in the browser's locale. */
export function formatDay(iso: string | null): string {
  return iso ? new Date(iso).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' }) : '—';
}
