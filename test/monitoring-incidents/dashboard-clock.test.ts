import { describe, expect, it } from 'vitest';
import { msUntil, serverClockOffset } from '../../web/src/features/dpo-dashboard/server-clock.ts';
import { usePeopleTestApp } from '../kernel-people/people-test-app.ts';
import { testDialects } from '../support/test-database.ts';
import { send } from './incidents-test-support.ts';

const hour = 3_600_000;

describe('server clock offset', () => {
  it('compares the server instant with the midpoint of the round trip', () => {
    const sentAt = Date.parse('2026-03-02T10:00:00.000Z');
    // The browser is 5 hours slow; the round trip took 2 s and the server answered in the middle of it.
    const serverNow = new Date(sentAt + 5 * hour + 1000).toISOString();
    expect(serverClockOffset({ serverNow, sentAt, receivedAt: sentAt + 2000 })).toBe(5 * hour);
    expect(serverClockOffset({ serverNow: 'not a date', sentAt, receivedAt: sentAt })).toBe(0);
    expect(msUntil('2026-03-02T20:00:00.000Z', Date.parse('2026-03-02T10:00:00.000Z'), -hour)).toBe(
      11 * hour,
    );
  });
});

describe.each(testDialects)('dashboard incident clocks on %s', (dialect) => {
  // The server runs on a fixed clock (2026-03-02 10:00 UTC) months away from this machine's: the browser's clock
  // is as wrong as a clock can be, and the dashboard must still count from the server's.
  const ctx = usePeopleTestApp(dialect);

  it('counts the 72 hours from the server’s time, not the browser’s', async () => {
    const { app, as, services, t, clock, workspaceId } = ctx();
    const serverNow = clock.now().getTime();
    await services.incidents.create(
      t.db.kysely,
      { workspaceId, actor: { type: 'system', id: 'test' } },
      {
        title: 'Night export',
        occurredFrom: new Date(serverNow - 11 * hour).toISOString(),
        awareAt: new Date(serverNow - 10 * hour).toISOString(),
      },
    );
    const sentAt = Date.now();
    const res = await send(app, as.owner, 'GET', '/api/v1/dashboard/privacy');
    const receivedAt = Date.now();
    expect(res.statusCode, res.body).toBe(200);
    const d = res.json<{ generatedAt: string; incidents: { deadline: string }[] }>();
    expect(d.generatedAt).toBe(clock.now().toISOString());
    const offset = serverClockOffset({ serverNow: d.generatedAt, sentAt, receivedAt });
    const left = msUntil(d.incidents[0]!.deadline, Date.now(), offset);
    // 62 hours left by the server's clock, give or take the round trip and this test's own time.
    expect(Math.abs(left - 62 * hour)).toBeLessThan(receivedAt - sentAt + 5000);
    // What the dashboard showed before: the deadline against the browser's clock, months off.
    expect(Math.abs(Date.parse(d.incidents[0]!.deadline) - Date.now() - 62 * hour)).toBeGreaterThan(
      24 * hour,
    );
  });
});
