import { describe, expect, it } from 'vitest';
import { loadConfig, redactConfig } from '../../src/config.ts';
import { AppError } from '../../src/errors.ts';

describe('config', () => {
  it('uses the documented defaults', () => {
    const config = loadConfig({});
    expect(config.port).toBe(8080);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.dataDir.endsWith('/data')).toBe(true);
    expect(config.sessionIdleMinutes).toBe(30);
    expect(config.sessionAbsoluteHours).toBe(12);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('refuses a port that is not a number, naming the variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrowError(/PORT/);
    try {
      loadConfig({ PORT: '70000' });
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('CONFIG_INVALID');
    }
  });

  it('refuses a database URL that is not PostgreSQL', () => {
    expect(() => loadConfig({ CUSTODIAN_DATABASE_URL: 'mysql://x' })).toThrowError(/postgres/);
  });

  it('needs both TLS files or neither', () => {
    expect(() => loadConfig({ CUSTODIAN_TLS_CERT: '/x.pem' })).toThrowError(/TLS/);
  });

  it('never shows secrets when redacted for the log', () => {
    const config = loadConfig({
      CUSTODIAN_DATABASE_URL: 'postgres://u:hunter2@db/x',
      CUSTODIAN_ADMIN_PASSWORD: 'hunter2hunter2',
      CUSTODIAN_MASTER_KEY: 'a2V5',
    });
    const text = JSON.stringify(redactConfig(config));
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('a2V5');
    expect(text).toContain('[secret]');
  });
});
