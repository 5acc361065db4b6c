import type { Actor } from '../../kernel/audit/audit-log.ts';
import type { RecordLink } from '../timeline/assert-record-links.ts';

/** Kinds of activity logged by hand. */
export const activityTypes = ['note', 'call', 'meeting', 'email'] as const;
export type ActivityType = (typeof activityTypes)[number];

/** Direction of a call or an email. */
export const activityDirections = ['in', 'out'] as const;
export type ActivityDirection = (typeof activityDirections)[number];

/** How an activity ended (a fixed list: free text about a person would be more personal data). */
export const activityOutcomes = ['connected', 'no_answer', 'left_message', 'busy', 'wrong_number', 'held', 'rescheduled', 'cancelled', 'sent', 'replied'] as const;
export type ActivityOutcome = (typeof activityOutcomes)[number];

/** The declared attributes of entity `activity` (category `user.content.private`). */
export const activityAttributes = ['subject', 'body'] as const;

/** Longest subject and body (sanitised HTML) accepted. */
export const activityLimits = { subject: 300, body: 50_000, links: 20, durationMinutes: 24 * 60 } as const;

export type { RecordLink };

/** What a caller gives to log an activity. */
export interface ActivityInput {
  readonly type: ActivityType;
  readonly subject: string;
  /** Rich text (HTML), sanitised before it is stored. */
  readonly body?: string | null | undefined;
  /** ISO-8601 date-time. */
  readonly occurredAt: string;
  readonly durationMinutes?: number | null | undefined;
  readonly direction?: ActivityDirection | null | undefined;
  readonly outcome?: ActivityOutcome | null | undefined;
  /** People, organizations and deals; the first person is the key person (ADR 0012). */
  readonly links: readonly RecordLink[];
}

/** A change to an activity: given fields replace the stored ones (`links` replaces the whole list). */
export type ActivityPatch = { readonly [K in keyof ActivityInput]?: ActivityInput[K] };

/** An activity as the API shows it (content decrypted after the gate allowed it). */
export interface ActivityView {
  readonly id: string;
  readonly type: ActivityType;
  readonly subject: string;
  readonly body: string | null;
  readonly occurredAt: string;
  readonly durationMinutes: number | null;
  readonly direction: ActivityDirection | null;
  readonly outcome: ActivityOutcome | null;
  readonly links: RecordLink[];
  /** The person whose key encrypts the content, or null for business data. */
  readonly keyPersonId: string | null;
  readonly createdBy: Actor;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly version: number;
}
