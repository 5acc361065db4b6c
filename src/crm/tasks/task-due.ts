/** `due_sort` of a task without a due date: after every real date, so such tasks list last. */
export const noDueSort = '9999-12-31T23:59:59.999Z';

/**
 * The instant a task falls overdue: its due time on its due date, or the end of its due day (UTC) without a time.
 *
 * @example
 * dueInstant('2026-03-01', null);    // '2026-03-01T23:59:59.999Z'
 * dueInstant('2026-03-01', '09:30'); // '2026-03-01T09:30:00.000Z'
 */
export function dueInstant(dueDate: string | null, dueTime: string | null): string | null {
  if (dueDate === null) return null;
  return dueTime === null ? `${dueDate}T23:59:59.999Z` : `${dueDate}T${dueTime}:00.000Z`;
}

/**
 * Whether a task is overdue at `now`: open, with a due instant strictly before now.
 *
 * @example
 * isOverdue({ status: 'open', dueSort: '2026-03-01T23:59:59.999Z' }, new Date('2026-03-02T00:00:00Z')); // true
 */
export function isOverdue(task: { readonly status: string; readonly dueSort: string }, now: Date): boolean {
  return task.status === 'open' && task.dueSort !== noDueSort && task.dueSort < now.toISOString();
}
