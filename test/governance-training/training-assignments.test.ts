import { describe, expect, it } from 'vitest';
import { trainingJob } from '../../src/governance/training/training-job.ts';
import type { Mailer, MailMessage } from '../../src/mail/mailer.ts';
import { testDialects } from '../support/test-database.ts';
import { rightAnswers, useTrainingTestApp, wrongAnswers } from './training-test-app.ts';

const quiz = [
  { text: 'Deadline to notify the authority of a breach?', options: [{ text: '72 hours', correct: true }, { text: 'One month', correct: false }] },
  { text: 'Which are breaches?', options: [{ text: 'CC newsletter', correct: true }, { text: 'Lost laptop', correct: true }, { text: 'A signed contract', correct: false }] },
];

function capturingMailer(): Mailer & { sent: MailMessage[] } {
  const sent: MailMessage[] = [];
  return { kind: 'outbox', sent, send: async (m) => void sent.push(m), close: () => undefined };
}

describe.each(testDialects)('training assignments, attempts and reports (%s)', (dialect) => {
  const ctx = useTrainingTestApp(dialect);

  async function newModule(title: string, extra: Record<string, unknown> = {}) {
    const dpo = await ctx().user('privacy_officer');
    const res = await ctx().app.inject({
      method: 'POST',
      url: '/api/v1/training/modules',
      headers: dpo.headers,
      payload: { title, content: '# Read me\n\n**Report** at once. <script>alert(1)</script>', quiz, passMark: 100, ...extra },
    });
    expect(res.statusCode).toBe(201);
    return { dpo, module: res.json() as { id: string; version: number; quiz: { id: string; options: { id: string; correct: boolean }[] }[] } };
  }

  it('assigns a module to every user of a role, and to users who join the role later', async () => {
    const { app } = ctx();
    const support1 = await ctx().user('support');
    const { dpo, module } = await newModule('Role rule');
    const rule = await app.inject({ method: 'POST', url: '/api/v1/training/rules', headers: dpo.headers, payload: { moduleId: module.id, roleKey: 'support', dueInDays: 14 } });
    expect(rule.statusCode).toBe(201);
    expect(rule.json().assigned).toBeGreaterThanOrEqual(1);
    const mine = (await app.inject({ method: 'GET', url: '/api/v1/training/me', headers: support1.headers })).json().items;
    const item = mine.find((i: { moduleId: string }) => i.moduleId === module.id);
    expect(item).toMatchObject({ status: 'due', dueAt: new Date(ctx().clock.now().getTime() + 14 * 86_400_000).toISOString() });

    const support2 = await ctx().user('support');
    const later = (await app.inject({ method: 'GET', url: '/api/v1/training/me', headers: support2.headers })).json().items;
    expect(later.map((i: { moduleId: string }) => i.moduleId)).toContain(module.id);

    const sales = await ctx().user('sales');
    const notMine = (await app.inject({ method: 'GET', url: '/api/v1/training/me', headers: sales.headers })).json().items;
    expect(notMine.map((i: { moduleId: string }) => i.moduleId)).not.toContain(module.id);
  });

  it('takes the quiz: a fail is recorded, a retry passes and completes; the learner never sees the answers', async () => {
    const { app } = ctx();
    const learner = await ctx().user('marketing');
    const { dpo, module } = await newModule('Take it');
    await app.inject({ method: 'POST', url: '/api/v1/training/rules', headers: dpo.headers, payload: { moduleId: module.id, roleKey: 'marketing', dueInDays: 7 } });

    const toTake = await app.inject({ method: 'GET', url: `/api/v1/training/me/modules/${module.id}`, headers: learner.headers });
    expect(toTake.statusCode).toBe(200);
    expect(toTake.body).not.toContain('"correct"');
    expect(toTake.json().contentHtml).toContain('<strong>Report</strong>');
    expect(toTake.json().contentHtml).not.toContain('<script');

    const fail = await app.inject({
      method: 'POST',
      url: `/api/v1/training/me/modules/${module.id}/attempts`,
      headers: learner.headers,
      payload: { version: 1, answers: { q1: ['a'], q2: ['a'] } },
    });
    expect(fail.statusCode).toBe(201);
    expect(fail.json()).toMatchObject({ score: 50, passed: false, assignment: { status: 'due', bestScore: 50, completedAt: null } });

    const pass = await app.inject({
      method: 'POST',
      url: `/api/v1/training/me/modules/${module.id}/attempts`,
      headers: learner.headers,
      payload: { version: 1, answers: rightAnswers(module.quiz) },
    });
    expect(pass.json()).toMatchObject({ score: 100, passed: true, assignment: { status: 'completed', bestScore: 100 } });

    const report = (await app.inject({ method: 'GET', url: '/api/v1/training/reports/people', headers: dpo.headers })).json().items;
    expect(report.find((r: { userId: string; moduleId: string }) => r.userId === learner.userId && r.moduleId === module.id)).toMatchObject({
      status: 'completed',
      bestScore: 100,
      attempts: 2,
      roleKey: 'marketing',
    });
    const completion = (await app.inject({ method: 'GET', url: '/api/v1/training/reports/completion', headers: dpo.headers })).json().items;
    expect(completion.find((c: { moduleId: string }) => c.moduleId === module.id)).toMatchObject({ roleKey: 'marketing', completed: 1 });

    const csv = await app.inject({ method: 'GET', url: '/api/v1/training/reports/people.csv', headers: dpo.headers });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.split('\n')[0]).toBe('name,email,role,module,status,assigned_at,due_at,completed_at,best_score,attempts');
    expect(csv.body).toContain('Take it,completed');
  });

  const badAttempts: [string, (m: { version: number }) => Record<string, unknown>, number][] = [
    ['answers to a question that does not exist', (m) => ({ version: m.version, answers: { q9: ['a'] } }), 400],
    ['an option the question does not have', (m) => ({ version: m.version, answers: { q1: ['z'] } }), 400],
    ['answers to another version of the module', (m) => ({ version: m.version + 1, answers: { q1: ['a'] } }), 409],
    ['answers that are not a map of lists', (m) => ({ version: m.version, answers: 'all' }), 400],
  ];
  for (const [what, body, status] of badAttempts) {
    it(`refuses ${what} and records no attempt`, async () => {
      const { app } = ctx();
      const learner = await ctx().user('auditor');
      const { dpo, module } = await newModule(`Bad attempt ${what}`);
      await app.inject({ method: 'POST', url: '/api/v1/training/rules', headers: dpo.headers, payload: { moduleId: module.id, roleKey: 'auditor', dueInDays: 7 } });
      const res = await app.inject({ method: 'POST', url: `/api/v1/training/me/modules/${module.id}/attempts`, headers: learner.headers, payload: body(module) });
      expect(res.statusCode).toBe(status);
      expect(res.headers['content-type']).toContain('application/problem+json');
      const attempts = await ctx().t.db.kysely.selectFrom('training_attempts').select('id').where('user_id', '=', learner.userId).execute();
      expect(attempts).toHaveLength(0);
    });
  }

  it('answers 404 for a module not assigned to the user', async () => {
    const { app } = ctx();
    const learner = await ctx().user('sales');
    const { module } = await newModule('Not yours');
    const res = await app.inject({ method: 'POST', url: `/api/v1/training/me/modules/${module.id}/attempts`, headers: learner.headers, payload: { version: 1, answers: {} } });
    expect(res.statusCode).toBe(404);
  });

  const badRules: [string, (moduleId: string) => Record<string, unknown>, number][] = [
    ['an unknown role', (id) => ({ moduleId: id, roleKey: 'astronaut', dueInDays: 10 }), 422],
    ['an unknown module', () => ({ moduleId: '00000000-0000-4000-8000-000000000000', roleKey: 'sales', dueInDays: 10 }), 422],
    ['a due date in the past', (id) => ({ moduleId: id, roleKey: 'sales', dueDate: '2020-01-01' }), 400],
    ['an invalid due date', (id) => ({ moduleId: id, roleKey: 'sales', dueDate: '2026-02-31' }), 400],
    ['zero days', (id) => ({ moduleId: id, roleKey: 'sales', dueInDays: 0 }), 400],
  ];
  for (const [what, body, status] of badRules) {
    it(`refuses a rule with ${what} and assigns nothing`, async () => {
      const { app } = ctx();
      const { dpo, module } = await newModule(`Bad rule ${what}`);
      const res = await app.inject({ method: 'POST', url: '/api/v1/training/rules', headers: dpo.headers, payload: body(module.id) });
      expect(res.statusCode).toBe(status);
      expect(res.headers['content-type']).toContain('application/problem+json');
      const assignments = await ctx().t.db.kysely.selectFrom('training_assignments').select('id').where('module_id', '=', module.id).execute();
      expect(assignments).toHaveLength(0);
    });
  }

  it('accepts a due date in the future and refuses the same rule twice', async () => {
    const { app } = ctx();
    const { dpo, module } = await newModule('Dated');
    const ok = await app.inject({ method: 'POST', url: '/api/v1/training/rules', headers: dpo.headers, payload: { moduleId: module.id, roleKey: 'admin', dueDate: '2026-03-16' } });
    expect(ok.statusCode).toBe(201);
    expect(ok.json().rule.dueDays).toBe(14);
    const again = await app.inject({ method: 'POST', url: '/api/v1/training/rules', headers: dpo.headers, payload: { moduleId: module.id, roleKey: 'admin', dueInDays: 3 } });
    expect(again.statusCode).toBe(409);
  });

  it('re-assigns after the refresher interval, reminds at most once a day, and lists the overdue', async () => {
    const { app, clock, t } = ctx();
    const learner = await ctx().user('support');
    const { dpo, module } = await newModule('Refresher', { refresherInterval: 'P1M' });
    await app.inject({ method: 'POST', url: '/api/v1/training/rules', headers: dpo.headers, payload: { moduleId: module.id, roleKey: 'support', dueInDays: 10 } });
    await app.inject({ method: 'POST', url: `/api/v1/training/me/modules/${module.id}/attempts`, headers: learner.headers, payload: { version: 1, answers: rightAnswers(module.quiz) } });

    const mailer = capturingMailer();
    const job = trainingJob({ db: t.db.kysely, dialect: t.db.dialect, clock, mailer });
    const start = clock.now();
    clock.set(new Date(start.getTime() + 32 * 86_400_000));
    await job.run();
    const mine = (await app.inject({ method: 'GET', url: '/api/v1/training/me', headers: learner.headers })).json().items;
    const renewed = mine.find((i: { moduleId: string }) => i.moduleId === module.id);
    expect(renewed).toMatchObject({ status: 'due', refresher: true, completedAt: null });
    const rows = await t.db.kysely.selectFrom('training_assignments').select(['id', 'refreshed_at']).where('user_id', '=', learner.userId).where('module_id', '=', module.id).execute();
    expect(rows).toHaveLength(2);

    // Nine days later the refresher is due within three days: one reminder, not two the same day.
    clock.set(new Date(start.getTime() + 40 * 86_400_000));
    await job.run();
    await job.run();
    const toLearner = (await t.db.kysely.selectFrom('users').select('email').where('id', '=', learner.userId).executeTakeFirstOrThrow()).email;
    expect(mailer.sent.filter((m) => m.to === toLearner)).toHaveLength(1);
    expect(mailer.sent.find((m) => m.to === toLearner)?.text).toContain('Refresher');

    clock.set(new Date(start.getTime() + 45 * 86_400_000));
    await job.run();
    expect(mailer.sent.filter((m) => m.to === toLearner)).toHaveLength(2);
    expect(mailer.sent.filter((m) => m.to === toLearner)[1]?.text).toContain('overdue');
    const overdue = (await app.inject({ method: 'GET', url: '/api/v1/training/reports/people?overdue=true', headers: dpo.headers })).json().items;
    expect(overdue.map((r: { userId: string }) => r.userId)).toContain(learner.userId);
    clock.set(start);
  });

  it('keeps wrong answers from completing', async () => {
    const { app } = ctx();
    const learner = await ctx().user('support');
    const { dpo, module } = await newModule('Wrong only');
    await app.inject({ method: 'POST', url: '/api/v1/training/rules', headers: dpo.headers, payload: { moduleId: module.id, roleKey: 'support', dueInDays: 10 } });
    const res = await app.inject({ method: 'POST', url: `/api/v1/training/me/modules/${module.id}/attempts`, headers: learner.headers, payload: { version: 1, answers: wrongAnswers(module.quiz) } });
    expect(res.json()).toMatchObject({ score: 0, passed: false });
  });
});
