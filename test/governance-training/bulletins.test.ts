import { describe, expect, it } from 'vitest';
import { sendTrainingReminders } from '../../src/governance/training/send-training-reminders.ts';
import type { MailMessage } from '../../src/mail/mailer.ts';
import { testDialects } from '../support/test-database.ts';
import { useTrainingTestApp } from './training-test-app.ts';

describe.each(testDialects)('regulatory bulletins (%s)', (dialect) => {
  const ctx = useTrainingTestApp(dialect);

  it('publishes to roles; addressed users acknowledge; the DPO sees who did and who did not', async () => {
    const { app } = ctx();
    const dpo = await ctx().user('privacy_officer');
    const reader = await ctx().user('support');
    const other = await ctx().user('support');
    const outsider = await ctx().user('marketing');
    const published = await app.inject({
      method: 'POST',
      url: '/api/v1/bulletins',
      headers: dpo.headers,
      payload: { title: 'EDPB guidelines on legitimate interest', body: 'Read **section 3**. <img src=x onerror=alert(1)>', roleKeys: ['support'] },
    });
    expect(published.statusCode).toBe(201);
    const bulletin = published.json();
    expect(bulletin).toMatchObject({ roleKeys: ['support'], acknowledged: 0 });
    expect(bulletin.addressed).toBeGreaterThanOrEqual(2);

    const mine = (await app.inject({ method: 'GET', url: '/api/v1/bulletins/me', headers: reader.headers })).json().items;
    const item = mine.find((b: { id: string }) => b.id === bulletin.id);
    expect(item.bodyHtml).toContain('<strong>section 3</strong>');
    expect(item.bodyHtml).not.toContain('onerror');
    expect(item.acknowledgedAt).toBeNull();
    const outsiderList = (await app.inject({ method: 'GET', url: '/api/v1/bulletins/me', headers: outsider.headers })).json().items;
    expect(outsiderList.map((b: { id: string }) => b.id)).not.toContain(bulletin.id);

    const ack = await app.inject({ method: 'POST', url: `/api/v1/bulletins/${bulletin.id}/acknowledge`, headers: reader.headers });
    expect(ack.statusCode).toBe(200);
    const again = await app.inject({ method: 'POST', url: `/api/v1/bulletins/${bulletin.id}/acknowledge`, headers: reader.headers });
    expect(again.json().acknowledgedAt).toBe(ack.json().acknowledgedAt);

    const readers = (await app.inject({ method: 'GET', url: `/api/v1/bulletins/${bulletin.id}/readers`, headers: dpo.headers })).json();
    expect(readers.acknowledged.map((r: { userId: string }) => r.userId)).toEqual([reader.userId]);
    expect(readers.pending.map((r: { userId: string }) => r.userId)).toContain(other.userId);
    expect(readers.pending.map((r: { userId: string }) => r.userId)).not.toContain(outsider.userId);

    const list = (await app.inject({ method: 'GET', url: '/api/v1/bulletins', headers: dpo.headers })).json();
    expect(list.items.find((b: { id: string }) => b.id === bulletin.id)).toMatchObject({ acknowledged: 1 });
  });

  it('refuses acknowledging a bulletin not addressed to you, and keeps no acknowledgement', async () => {
    const { app, t } = ctx();
    const dpo = await ctx().user('privacy_officer');
    const outsider = await ctx().user('marketing');
    const bulletin = (await app.inject({ method: 'POST', url: '/api/v1/bulletins', headers: dpo.headers, payload: { title: 'Sales only', body: 'x', roleKeys: ['sales'] } })).json();
    const res = await app.inject({ method: 'POST', url: `/api/v1/bulletins/${bulletin.id}/acknowledge`, headers: outsider.headers });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('BULLETIN_NOT_ADDRESSED');
    const rows = await t.db.kysely.selectFrom('bulletin_acknowledgements').select('user_id').where('bulletin_id', '=', bulletin.id).execute();
    expect(rows).toHaveLength(0);
    const unknown = await app.inject({ method: 'POST', url: '/api/v1/bulletins/00000000-0000-4000-8000-000000000000/acknowledge', headers: outsider.headers });
    expect(unknown.statusCode).toBe(404);
  });

  it('refuses a bulletin to an unknown role or with no role, and publishes nothing', async () => {
    const { app } = ctx();
    const dpo = await ctx().user('privacy_officer');
    const before = (await app.inject({ method: 'GET', url: '/api/v1/bulletins', headers: dpo.headers })).json().items.length;
    const unknown = await app.inject({ method: 'POST', url: '/api/v1/bulletins', headers: dpo.headers, payload: { title: 'x', body: 'x', roleKeys: ['astronaut'] } });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().unknownRoles).toEqual(['astronaut']);
    const none = await app.inject({ method: 'POST', url: '/api/v1/bulletins', headers: dpo.headers, payload: { title: 'x', body: 'x', roleKeys: [] } });
    expect(none.statusCode).toBe(400);
    const blank = await app.inject({ method: 'POST', url: '/api/v1/bulletins', headers: dpo.headers, payload: { title: '   ', body: 'x', roleKeys: ['sales'] } });
    expect(blank.statusCode).toBe(400);
    const after = (await app.inject({ method: 'GET', url: '/api/v1/bulletins', headers: dpo.headers })).json().items.length;
    expect(after).toBe(before);
  });

  it('pages the list with a cursor', async () => {
    const { app, clock } = ctx();
    const dpo = await ctx().user('privacy_officer');
    for (let i = 0; i < 3; i += 1) {
      clock.advance(1000);
      await app.inject({ method: 'POST', url: '/api/v1/bulletins', headers: dpo.headers, payload: { title: `Page ${i}`, body: 'x', roleKeys: ['sales'] } });
    }
    const first = (await app.inject({ method: 'GET', url: '/api/v1/bulletins?limit=2', headers: dpo.headers })).json();
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).toBeTruthy();
    const second = (await app.inject({ method: 'GET', url: `/api/v1/bulletins?limit=2&cursor=${first.nextCursor}`, headers: dpo.headers })).json();
    const ids = [...first.items, ...second.items].map((b: { id: string }) => b.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(first.items[0].title).toBe('Page 2');
  });

  it('lets any signed-in user read their bulletins but only governance roles publish', async () => {
    const { app } = ctx();
    const sales = await ctx().user('sales');
    expect((await app.inject({ method: 'GET', url: '/api/v1/bulletins/me', headers: sales.headers })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/api/v1/bulletins', headers: sales.headers, payload: { title: 'x', body: 'x', roleKeys: ['sales'] } })).statusCode).toBe(403);
  });

  it('reminds addressed users of an unacknowledged bulletin once a day, and no more once acknowledged', async () => {
    const { app, t, clock, workspaceId } = ctx();
    const dpo = await ctx().user('privacy_officer');
    const reader = await ctx().user('auditor');
    const bulletin = (await app.inject({ method: 'POST', url: '/api/v1/bulletins', headers: dpo.headers, payload: { title: 'Auditors: new retention rules', body: 'x', roleKeys: ['auditor'] } })).json();
    const sent: MailMessage[] = [];
    const mailer = { kind: 'outbox' as const, send: async (m: MailMessage) => void sent.push(m), close: () => undefined };
    const deps = { db: t.db.kysely, dialect: t.db.dialect, clock, mailer };
    const email = (await t.db.kysely.selectFrom('users').select('email').where('id', '=', reader.userId).executeTakeFirstOrThrow()).email;
    const start = clock.now();
    clock.set(new Date(start.getTime() + 100 * 86_400_000));
    await sendTrainingReminders(deps, workspaceId);
    await sendTrainingReminders(deps, workspaceId);
    const toReader = () => sent.filter((m) => m.to === email);
    expect(toReader()).toHaveLength(1);
    expect(toReader()[0]?.text).toContain('Auditors: new retention rules');
    await app.inject({ method: 'POST', url: `/api/v1/bulletins/${bulletin.id}/acknowledge`, headers: reader.headers });
    clock.set(new Date(start.getTime() + 101 * 86_400_000));
    await sendTrainingReminders(deps, workspaceId);
    expect(toReader()).toHaveLength(1);
    clock.set(start);
  });
});
