import { createSecretBox } from '../kernel/crypto/secret-box.ts';

/** Encrypts the SMS gateway's bearer token at rest: AES-256-GCM under a key derived from the server secret, bound to the workspace. */
export interface SmsTokenSecret {
  seal(workspaceId: string, plaintext: string): Buffer;
  open(workspaceId: string, sealed: Uint8Array): string;
}

/**
 * @example
 * const secret = createSmsTokenSecret(keyFiles.serverSecret);
 * secret.open(workspaceId, secret.seal(workspaceId, 'tok_123')); // 'tok_123'
 */
export function createSmsTokenSecret(serverSecret: Buffer): SmsTokenSecret {
  const box = createSecretBox(serverSecret, 'custodian:sms-settings:token');
  const binding = (workspaceId: string) => `sms_settings|${workspaceId}|token`;
  return {
    seal: (workspaceId, plaintext) => box.seal(binding(workspaceId), plaintext),
    open: (workspaceId, sealed) => box.open(binding(workspaceId), sealed),
  };
}
