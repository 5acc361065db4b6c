import { createSecretBox } from '../kernel/crypto/secret-box.ts';

/** Encrypts the SMTP password at rest: AES-256-GCM under a key derived from the server secret, bound to the workspace. */
export interface SettingsSecret {
  seal(workspaceId: string, plaintext: string): Buffer;
  open(workspaceId: string, sealed: Uint8Array): string;
}

/**
 * @example
 * const secret = createSettingsSecret(keyFiles.serverSecret);
 * secret.open(workspaceId, secret.seal(workspaceId, 'hunter2')); // 'hunter2'
 */
export function createSettingsSecret(serverSecret: Buffer): SettingsSecret {
  const box = createSecretBox(serverSecret, 'custodian:mail-settings:password');
  const binding = (workspaceId: string) => `mail_settings|${workspaceId}|password`;
  return {
    seal: (workspaceId, plaintext) => box.seal(binding(workspaceId), plaintext),
    open: (workspaceId, sealed) => box.open(binding(workspaceId), sealed),
  };
}
