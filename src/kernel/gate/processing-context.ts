import type { Actor } from '../audit/audit-log.ts';
import type { RoleScope } from './decide-processing.ts';

/** Who changes kernel state (catalogue, purposes, standing), for the audit entry. */
export interface ActorContext {
  readonly workspaceId: string;
  readonly actor: Actor;
  readonly requestId?: string | null;
  readonly ip?: string | null;
}

/**
 * The processing context every operation on personal data runs in (ARCHITECTURE invariant 2):
 * `{ workspace, actor, purpose }` plus the acting role's grant.
 *
 * @example
 * const ctx: ProcessingContext = { workspaceId, actor: { type: 'user', id }, purpose: 'crm', role: principal.role };
 */
export interface ProcessingContext extends ActorContext {
  /** Purpose key the processing runs under. */
  readonly purpose: string;
  /** The acting role's purposes and data-category prefixes (`RoleGrant` satisfies it). */
  readonly role: RoleScope;
  /**
   * Set by request fulfilment only (never from a client): the data subject request being answered and the person it
   * is about. The built-in `data_subject_requests` purpose is admitted only with it, and only for that person (ADR 0034).
   */
  readonly answering?: AnsweringRequest | undefined;
}

/** The data subject request an operation answers. */
export interface AnsweringRequest {
  readonly requestId: string;
  /** The person the request is about (linked on the request), when one is. */
  readonly personIds: readonly string[];
}
