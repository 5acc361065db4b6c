import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMailer } from '../../src/mail/mailer.ts';
import { assertPasswordPolicy, commonPasswordList, passwordWeakness } from '../../src/identity/password-policy.ts';

describe('password policy', () => {
  it('bundles at least 3,000 common passwords', () => {
    expect(commonPasswordList().size).toBeGreaterThanOrEqual(3000);
    expect(commonPasswordList().has('password')).toBe(true);
  });

  it('refuses short, long, common, repetitive and email-based passwords', () => {
    expect(passwordWeakness('eleven char')).toBe('too-short');
    expect(passwordWeakness('x'.repeat(127) + 'yz')).toBe('too-long');
    for (const p of ['password1234', 'Password1234!', 'p@ssw0rd2024', 'qwertyuiop12', 'iloveyou2024', '!!football!!99', 'letmein12345']) {
      expect(passwordWeakness(p), p).toBe('common');
    }
    for (const p of ['aaaaaaaaaaaa', 'abcabcabcabc', '1234567890123', 'abcdefghijklmn']) expect(passwordWeakness(p), p).toBe('repetitive');
    expect(passwordWeakness('ann.smith@example.com!', { email: 'ann.smith@example.com' })).toBe('contains-email');
    expect(passwordWeakness('my name is ann.smith ok', { email: 'Ann.Smith@example.com' })).toBe('contains-email');
  });

  it('accepts long passphrases and random passwords, counting characters rather than bytes', () => {
    for (const p of ['correct horse battery staple 42', 'x7Gq2pLm9vRt', 'Tr0ub4dor&3xyz', 'ünïcödé pässwörd 🔐🔐']) expect(passwordWeakness(p), p).toBeUndefined();
    expect(passwordWeakness('🔐'.repeat(6) + 'qzvkwm')).toBeUndefined();
    expect(passwordWeakness('🔐'.repeat(5) + 'qzvkwm')).toBe('too-short');
  });

  it('never puts the password into the error it throws', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 11 }).filter((s) => s.trim().length > 3), (p) => {
        try {
          assertPasswordPolicy(p);
          return false;
        } catch (error) {
          return !JSON.stringify({ message: (error as Error).message, details: (error as { details: unknown }).details }).includes(p);
        }
      }),
    );
  });
});

describe('file outbox mailer', () => {
  it('writes one .eml message per email into <dataDir>/outbox when no SMTP URL is set', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'custodian-outbox-'));
    try {
      const mailer = createMailer({ smtpUrl: undefined, mailFrom: 'Custodian <no-reply@localhost>', dataDir });
      expect(mailer.kind).toBe('outbox');
      await mailer.send({ to: 'ann@example.test', subject: 'Hello', text: 'Line one\n' });
      const files = fs.readdirSync(path.join(dataDir, 'outbox'));
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(/\.eml$/);
      const file = path.join(dataDir, 'outbox', files[0]!);
      const eml = fs.readFileSync(file, 'utf8');
      expect(eml).toMatch(/^To: ann@example\.test$/m);
      expect(eml).toMatch(/^Subject: Hello$/m);
      expect(eml).toContain('Line one');
      expect(fs.statSync(file).mode & 0o077).toBe(0);
      mailer.close();
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
