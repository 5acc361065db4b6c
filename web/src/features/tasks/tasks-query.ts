import type { RequestBody, Success } from '../../api/api-types.ts';

export type Task = Success<'/api/v1/tasks/{id}', 'get'>;
export type TaskList = Success<'/api/v1/tasks', 'get'>;
export type NewTask = RequestBody<'/api/v1/tasks', 'post'>;
export type TaskPriority = Task['priority'];

/** Cache key of every task list (my tasks, a record's tasks, the home widget). */
export const tasksQueryKey = ['tasks'] as const;

/** Prefix of the record timelines' cache: timelines list tasks too, so a task change refreshes them. */
export const timelinesQueryKey = ['timeline'] as const;

/** The `If-Match` header of a task version read earlier. */
export function ifMatch(version: number): { 'if-match': string } {
  return { 'if-match': `"${version}"` };
}

export const priorityLabels: Record<TaskPriority, string> = { low: 'Low', normal: 'Normal', high: 'High' };

/** When a task is due, for a list: the date (and time, in UTC as stored) or a dash. */
export function dueLabel(task: Pick<Task, 'dueDate' | 'dueTime'>): string {
  if (!task.dueDate) return '—';
  return task.dueTime ? `${task.dueDate} ${task.dueTime} UTC` : task.dueDate;
}
