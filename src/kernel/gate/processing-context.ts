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
}
