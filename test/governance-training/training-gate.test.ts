import { describe, expect, it } from 'vitest';
import { testDialects } from '../support/test-database.ts';
import { insertTokenForRole } from '../support/owner-token.ts';
import { trainingJob } from '../../src/governance/training/training-job.ts';
import { rightAnswers, useTrainingTestApp } from './training-test-app.ts';

describe.each(testDialects)('training gate (%s)', (dialect) => {
  const ctx = useTrainingTestApp(dialect);

  async function setGate(on: boolean) {
    const owner = await ctx().user('owner');
    const res = await ctx().app.inject({
      method: 'PATCH',
      url: '/api/v1/settings',
      headers: owner.headers,
      payload: { 'training.requiredBeforePersonalData': on },
    });
    expect(res.statusCode).toBe(200);
  }

  async function breachModule(dpo: { headers: { authorization: string } }) {
    const items = (await ctx().app.inject({ method: 'GET', url: '/api/v1/training/modules', headers: dpo.headers })).json().items;
    return items.find((m: { starterKey: string }) => m.starterKey === 'breach-reporting') as { id: string; version: number; quiz: { id: string; options: { id: string; correct: boolean }[] }[] };
  }

  it('refuses a person\'s record until the user\'s required training is complete, then allows it at once', async () => {
    const { app, t, workspaceId } = ctx();
    const owner = await ctx().user('owner');
    const dpo = await ctx().user('privacy_officer');
    const person = await app.inject({ method: 'POST', url: '/api/v1/people', headers: owner.headers, payload: { firstName: 'Ada', email: 'ada@example.test' } });
    expect(person.statusCode).toBe(201);
    const personId = person.json().id as string;
    const sales = await ctx().user('sales');

    // Off by default: allowed.
    expect((await app.inject({ method: 'GET', url: `/api/v1/people/${personId}`, headers: sales.headers })).statusCode).toBe(200);

    const module = await breachModule(dpo);
    await app.inject({ method: 'POST', url: '/api/v1/training/rules', headers: dpo.headers, payload: { moduleId: module.id, roleKey: 'sales', dueInDays: 14 } });
    await setGate(true);

    const refused = await app.inject({ method: 'GET', url: `/api/v1/people/${personId}`, headers: sales.headers });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ code: 'TRAINING_REQUIRED', modules: [module.id] });
    expect(refused.body).not.toContain('Ada');
    const denied = await t.db.kysely
      .selectFrom('audit_log')
      .select(['outcome', 'details'])
      .where('workspace_id', '=', workspaceId)
      .where('outcome', '=', 'denied')
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(denied.details)).toMatchObject({ code: 'TRAINING_REQUIRED' });

    // Roles without rules are not held back.
    expect((await app.inject({ method: 'GET', url: `/api/v1/people/${personId}`, headers: owner.headers })).statusCode).toBe(200);

    const pass = await app.inject({
      method: 'POST',
      url: `/api/v1/training/me/modules/${module.id}/attempts`,
      headers: sales.headers,
      payload: { version: module.version, answers: rightAnswers(module.quiz) },
    });
    expect(pass.json().passed).toBe(true);
    const allowed = await app.inject({ method: 'GET', url: `/api/v1/people/${personId}`, headers: sales.headers });
    expect(allowed.statusCode).toBe(200);
    expect(allowed.json().firstName).toBe('Ada');
  });

  it('holds back every API token of an untrained user, and lets them go when the setting is off', async () => {
    const { app, t, workspaceId } = ctx();
    const owner = await ctx().user('owner');
    const person = (await app.inject({ method: 'POST', url: '/api/v1/people', headers: owner.headers, payload: { firstName: 'Bo' } })).json();
    const token = await insertTokenForRole(t.db.kysely, workspaceId, 'sales');
    await setGate(true);
    const refused = await app.inject({ method: 'GET', url: `/api/v1/people/${person.id}`, headers: { authorization: `Bearer ${token.token}` } });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('TRAINING_REQUIRED');
    await setGate(false);
    const allowed = await app.inject({ method: 'GET', url: `/api/v1/people/${person.id}`, headers: { authorization: `Bearer ${token.token}` } });
    expect(allowed.statusCode).toBe(200);
  });

  it('refuses the setting with a value that is not a boolean', async () => {
    const owner = await ctx().user('owner');
    const res = await ctx().app.inject({ method: 'PATCH', url: '/api/v1/settings', headers: owner.headers, payload: { 'training.requiredBeforePersonalData': 'yes' } });
    expect(res.statusCode).toBe(400);
  });

  it('keeps a trained user working while a refresher is due, and holds them back once it is overdue', async () => {
    const { app, t, clock } = ctx();
    const owner = await ctx().user('owner');
    const dpo = await ctx().user('privacy_officer');
    const person = (await app.inject({ method: 'POST', url: '/api/v1/people', headers: owner.headers, payload: { firstName: 'Cy' } })).json();
    const support = await ctx().user('support');
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/training/modules',
      headers: dpo.headers,
      payload: {
        title: 'Support refresher',
        content: 'x',
        passMark: 100,
        refresherInterval: 'P1M',
        quiz: [{ text: 'Q', options: [{ text: 'right', correct: true }, { text: 'wrong', correct: false }] }],
      },
    });
    const module = created.json();
    await app.inject({ method: 'POST', url: '/api/v1/training/rules', headers: dpo.headers, payload: { moduleId: module.id, roleKey: 'support', dueInDays: 10 } });
    await setGate(true);
    const read = () => app.inject({ method: 'GET', url: `/api/v1/people/${person.id}`, headers: support.headers });
    expect((await read()).json().code).toBe('TRAINING_REQUIRED');
    await app.inject({ method: 'POST', url: `/api/v1/training/me/modules/${module.id}/attempts`, headers: support.headers, payload: { version: 1, answers: rightAnswers(module.quiz) } });

    const start = clock.now();
    const mailer = { kind: 'outbox' as const, send: async () => undefined, close: () => undefined };
    try {
      clock.set(new Date(start.getTime() + 35 * 86_400_000));
      await trainingJob({ db: t.db.kysely, dialect: t.db.dialect, clock, mailer }).run();
      const mine = (await app.inject({ method: 'GET', url: '/api/v1/training/me', headers: support.headers })).json().items;
      expect(mine.find((a: { moduleId: string }) => a.moduleId === module.id)).toMatchObject({ status: 'due', refresher: true });
      expect((await read()).statusCode).toBe(200);

      // Past the refresher's due date (and the 5 s cache): refused again.
      clock.set(new Date(start.getTime() + 46 * 86_400_000));
      expect((await read()).json().code).toBe('TRAINING_REQUIRED');
    } finally {
      clock.set(start);
      await setGate(false);
    }
  });
});
