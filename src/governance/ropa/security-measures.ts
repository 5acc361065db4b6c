/** Configuration facts the security description is generated from. */
export interface SecurityFacts {
  /** Version of the key-encryption key new data keys are wrapped under. */
  readonly kekVersion: number;
  /** Where the key-encryption key comes from. */
  readonly kekSource: 'env' | 'file';
  /** Names of the roles whose members must use two-factor authentication. */
  readonly mfaRoles: readonly string[];
  readonly sessionIdleMinutes: number;
  readonly sessionAbsoluteHours: number;
  /** Whether the server itself terminates TLS. */
  readonly tls: boolean;
}

/**
 * Art. 30(1)(g) and Art. 32 measures in words, generated from how this installation is actually configured (so the
 * record cannot claim a measure that is switched off).
 *
 * @example
 * describeSecurityMeasures({ kekVersion: 1, kekSource: 'env', mfaRoles: ['Owner'], sessionIdleMinutes: 30, sessionAbsoluteHours: 12, tls: true });
 */
export function describeSecurityMeasures(f: SecurityFacts): string[] {
  return [
    'Encryption at rest per person: every personal value is encrypted with AES-256-GCM under the person\'s own data key, bound to workspace, table, column and row.',
    `Data keys are wrapped by a key-encryption key (version ${f.kekVersion}, supplied ${f.kekSource === 'env' ? 'by the environment' : 'from a key file'}) that is never stored in the database.`,
    'Exact-match lookups use truncated keyed blind indexes instead of plain values.',
    'Purpose-bound access: every use of personal data is checked against the purpose, the person\'s standing (consent, objection, restriction) and the role\'s purposes and data categories.',
    f.mfaRoles.length > 0
      ? `Two-factor authentication (TOTP) is required for the roles: ${f.mfaRoles.join(', ')}.`
      : 'Two-factor authentication (TOTP) is available to every user; no role requires it yet.',
    `Sessions expire after ${f.sessionIdleMinutes} minutes idle and ${f.sessionAbsoluteHours} hours in total; passwords are hashed with argon2id and checked against common passwords.`,
    'Every access, change, export and refusal is written to an append-only hash-chained audit log with signed checkpoints kept outside the database.',
    'Erasure destroys the person\'s data key (crypto-shredding), which makes backups and replicas unreadable for that person; a shred journal is re-applied after a restore.',
    f.tls ? 'The server terminates TLS 1.2+ itself and sends HSTS.' : 'TLS is expected from a reverse proxy in front of the server.',
  ];
}
