import type { Config } from '../config.ts';
import type { Db } from '../db/database.ts';
import type { Actor } from '../kernel/audit/audit-log.ts';
import type { Clock } from '../kernel/clock.ts';
import type { KeyFiles } from '../kernel/crypto/key-files.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { RoleGrant } from './principal.ts';

/** What the identity use-cases touch. The HTTP app and the CLI both pass their own. */
export interface IdentityDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly config: Config;
  readonly keyFiles: KeyFiles;
  readonly mailer: Mailer;
}

/** Who acts, for audit and for the no-escalation checks. */
export interface ActingContext {
  readonly workspaceId: string;
  readonly actor: Actor;
  readonly requestId?: string | null;
  readonly ip?: string | null;
  /**
   * The acting role: nothing may be granted beyond it. `null` means an operator at the command line, who already
   * holds the server's files and is not limited.
   */
  readonly grant: RoleGrant | null;
}

/** The audit fields every identity entry shares. */
export function auditBase(ctx: ActingContext) {
  return { workspaceId: ctx.workspaceId, actor: ctx.actor, requestId: ctx.requestId ?? null, ip: ctx.ip ?? null };
}
