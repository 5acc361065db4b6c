import type { RecordLink } from '../timeline/assert-record-links.ts';

export const taskStatuses = ['open', 'done', 'cancelled'] as const;
export type TaskStatus = (typeof taskStatuses)[number];

export const taskPriorities = ['low', 'normal', 'high'] as const;
export type TaskPriority = (typeof taskPriorities)[number];

/** The declared attribute of entity `task` (category `user.content.private`). */
export const taskAttributes = ['title'] as const;

export const taskTitleMaxLength = 300;

/** What a caller gives to create a task. */
export interface TaskInput {
  readonly title: string;
  /** `YYYY-MM-DD` (UTC). */
  readonly dueDate?: string | null | undefined;
  /** `HH:MM` (UTC); needs `dueDate`. */
  readonly dueTime?: string | null | undefined;
  /** A user of the workspace. */
  readonly assigneeId?: string | null | undefined;
  /** The record the task is about; a person makes the title personal data (ADR 0012). */
  readonly link?: RecordLink | null | undefined;
  readonly status?: TaskStatus | undefined;
  readonly priority?: TaskPriority | undefined;
}

export type TaskPatch = { readonly [K in keyof TaskInput]?: TaskInput[K] };

/** A task as the API shows it. `title` is null and `hidden` true when the gate refuses the linked person. */
export interface TaskView {
  readonly id: string;
  readonly title: string | null;
  readonly hidden: boolean;
  readonly dueDate: string | null;
  readonly dueTime: string | null;
  /** The instant the task falls overdue (end of the due day without a time), or null. */
  readonly dueAt: string | null;
  /** Open and past `dueAt` by the workspace clock. */
  readonly overdue: boolean;
  readonly assigneeId: string | null;
  readonly link: RecordLink | null;
  readonly status: TaskStatus;
  readonly priority: TaskPriority;
  readonly completedAt: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly version: number;
}

/** Filters of the task list. */
export interface TaskFilter {
  /** A user id; the route turns `me` into the caller's id. */
  readonly assigneeId?: string | undefined;
  readonly status?: TaskStatus | undefined;
  /** Only overdue (true) or only not overdue (false). */
  readonly overdue?: boolean | undefined;
  readonly link?: RecordLink | undefined;
  /** Due on or before this date (`YYYY-MM-DD`). */
  readonly dueBefore?: string | undefined;
}
