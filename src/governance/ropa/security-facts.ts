import type { Kysely } from 'kysely';
import type { Config } from '../../config.ts';
import type { Database } from '../../db/schema.ts';
import { createKekRing } from '../../kernel/crypto/kek-ring.ts';
import type { KeyFiles } from '../../kernel/crypto/key-files.ts';
import type { SecurityFacts } from './security-measures.ts';

/**
 * Reads the security facts of a workspace from the running configuration: the current KEK version and source, the
 * roles that require MFA, session lifetimes and TLS.
 *
 * @example
 * const securityFacts = securityFactsFrom({ config, keyFiles });
 * (await securityFacts(db, workspaceId)).mfaRoles; // ['Owner']
 */
export function securityFactsFrom(deps: {
  config: Pick<Config, 'sessionIdleMinutes' | 'sessionAbsoluteHours' | 'tls'>;
  keyFiles: KeyFiles;
}): (db: Kysely<Database>, workspaceId: string) => Promise<SecurityFacts> {
  return async (db, workspaceId) => {
    const roles = await db
      .selectFrom('roles')
      .select('name')
      .where('workspace_id', '=', workspaceId)
      .where('require_mfa', '=', 1)
      .orderBy('name')
      .execute();
    return {
      kekVersion: createKekRing(deps.keyFiles).current().version,
      kekSource: deps.keyFiles.masterKeySource,
      mfaRoles: roles.map((r) => r.name),
      sessionIdleMinutes: deps.config.sessionIdleMinutes,
      sessionAbsoluteHours: deps.config.sessionAbsoluteHours,
      tls: deps.config.tls !== undefined,
    };
  };
}
