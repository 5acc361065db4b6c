import { describe, expect, it } from 'vitest';
import { testDialects } from '../support/test-database.ts';
import { useTrainingTestApp } from './training-test-app.ts';

const quiz = [
  { text: 'Deadline to notify the authority of a breach?', options: [{ text: '72 hours', correct: true }, { text: 'One month', correct: false }] },
  { text: 'Is a CC newsletter a breach?', options: [{ text: 'Yes', correct: true }, { text: 'No', correct: false }] },
];

describe.each(testDialects)('training modules (%s)', (dialect) => {
  const ctx = useTrainingTestApp(dialect);

  it('seeds the three starter modules with real content and five to eight questions each', async () => {
    const { app } = ctx();
    const dpo = await ctx().user('privacy_officer');
    const res = await app.inject({ method: 'GET', url: '/api/v1/training/modules', headers: dpo.headers });
    expect(res.statusCode).toBe(200);
    const items = res.json().items as { starterKey: string; title: string; content: string; quiz: { options: { correct: boolean }[] }[]; refresherInterval: string }[];
    expect(items.map((m) => m.starterKey).sort()).toEqual(['breach-reporting', 'data-subject-requests', 'gdpr-principles']);
    for (const m of items) {
      expect(m.quiz.length).toBeGreaterThanOrEqual(5);
      expect(m.quiz.length).toBeLessThanOrEqual(8);
      expect(m.quiz.every((q) => q.options.some((o) => o.correct))).toBe(true);
      expect(m.content.length).toBeGreaterThan(1500);
      expect(m.refresherInterval).toBe('P12M');
    }
    expect(items.find((m) => m.starterKey === 'breach-reporting')?.content).toContain('72 hours');
    expect(items.find((m) => m.starterKey === 'data-subject-requests')?.content).toContain('Article 12(3)');
  });

  it('creates a module, and an edit makes a new version under If-Match', async () => {
    const { app } = ctx();
    const dpo = await ctx().user('privacy_officer');
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/training/modules',
      headers: dpo.headers,
      payload: { title: 'Breach drill', content: '# Drill', quiz, passMark: 50, refresherInterval: 'P6M' },
    });
    expect(created.statusCode).toBe(201);
    const m = created.json();
    expect(m.version).toBe(1);
    expect(m.quiz[0].id).toBe('q1');
    expect(m.quiz[0].options.map((o: { id: string }) => o.id)).toEqual(['a', 'b']);

    const noIfMatch = await app.inject({ method: 'PATCH', url: `/api/v1/training/modules/${m.id}`, headers: dpo.headers, payload: { passMark: 100 } });
    expect(noIfMatch.statusCode).toBe(428);
    const edited = await app.inject({
      method: 'PATCH',
      url: `/api/v1/training/modules/${m.id}`,
      headers: { ...dpo.headers, 'if-match': '"1"' },
      payload: { passMark: 100 },
    });
    expect(edited.statusCode).toBe(200);
    expect(edited.json()).toMatchObject({ version: 2, passMark: 100 });
    expect(edited.headers.etag).toBe('"2"');
    const stale = await app.inject({
      method: 'PATCH',
      url: `/api/v1/training/modules/${m.id}`,
      headers: { ...dpo.headers, 'if-match': '"1"' },
      payload: { passMark: 10 },
    });
    expect(stale.statusCode).toBe(412);
    const read = await app.inject({ method: 'GET', url: `/api/v1/training/modules/${m.id}`, headers: dpo.headers });
    expect(read.json()).toMatchObject({ version: 2, passMark: 100 });
  });

  const badModules: [string, Record<string, unknown>, number][] = [
    ['a quiz without a correct answer', { quiz: [{ text: 'Q', options: [{ text: 'A', correct: false }, { text: 'B', correct: false }] }] }, 400],
    ['an empty option', { quiz: [{ text: 'Q', options: [{ text: 'A', correct: true }, { text: '  ', correct: false }] }] }, 400],
    ['a question with one option', { quiz: [{ text: 'Q', options: [{ text: 'A', correct: true }] }] }, 400],
    ['an empty quiz', { quiz: [] }, 400],
    ['a pass mark above 100', { passMark: 101 }, 400],
    ['a negative pass mark', { passMark: -1 }, 400],
    ['a refresher interval that is not a duration', { refresherInterval: '12 months' }, 400],
    ['an unknown field', { extra: 1 }, 400],
  ];
  for (const [what, change, status] of badModules) {
    it(`refuses ${what} with a problem and stores nothing`, async () => {
      const { app } = ctx();
      const dpo = await ctx().user('privacy_officer');
      const before = (await app.inject({ method: 'GET', url: '/api/v1/training/modules', headers: dpo.headers })).json().items.length;
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/training/modules',
        headers: dpo.headers,
        payload: { title: 'Bad', content: 'x', quiz, passMark: 80, ...change },
      });
      expect(res.statusCode).toBe(status);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().detail ?? res.json().title).toBeTruthy();
      const after = (await app.inject({ method: 'GET', url: '/api/v1/training/modules', headers: dpo.headers })).json().items.length;
      expect(after).toBe(before);
    });
  }

  it('refuses an edit with a quiz without a correct answer and keeps the module as it was', async () => {
    const { app } = ctx();
    const dpo = await ctx().user('privacy_officer');
    const m = (await app.inject({ method: 'POST', url: '/api/v1/training/modules', headers: dpo.headers, payload: { title: 'Keep', content: 'x', quiz, passMark: 80 } })).json();
    const res = await app.inject({
      method: 'PATCH',
      url: `/api/v1/training/modules/${m.id}`,
      headers: { ...dpo.headers, 'if-match': '"1"' },
      payload: { quiz: [{ text: 'Q', options: [{ text: 'A', correct: false }, { text: 'B', correct: false }] }] },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().detail).toContain('no correct answer');
    const read = (await app.inject({ method: 'GET', url: `/api/v1/training/modules/${m.id}`, headers: dpo.headers })).json();
    expect(read.version).toBe(1);
    expect(read.quiz).toHaveLength(2);
  });

  it('lets only governance:write manage modules', async () => {
    const { app } = ctx();
    const sales = await ctx().user('sales');
    const res = await app.inject({ method: 'POST', url: '/api/v1/training/modules', headers: sales.headers, payload: { title: 'x', content: 'x', quiz, passMark: 80 } });
    expect(res.statusCode).toBe(403);
    const list = await app.inject({ method: 'GET', url: '/api/v1/training/modules', headers: sales.headers });
    expect(list.statusCode).toBe(403);
  });

  it('adds only the starter modules a workspace lacks', async () => {
    const { app, t, workspaceId } = ctx();
    const dpo = await ctx().user('privacy_officer');
    const none = await app.inject({ method: 'POST', url: '/api/v1/training/modules/starter', headers: dpo.headers });
    expect(none.json()).toEqual({ added: 0 });
    // As in a workspace created before training existed.
    await t.db.kysely.deleteFrom('training_modules').where('workspace_id', '=', workspaceId).where('starter_key', '=', 'gdpr-principles').execute();
    const one = await app.inject({ method: 'POST', url: '/api/v1/training/modules/starter', headers: dpo.headers });
    expect(one.json()).toEqual({ added: 1 });
    const items = (await app.inject({ method: 'GET', url: '/api/v1/training/modules', headers: dpo.headers })).json().items;
    expect(items.filter((m: { starterKey: string | null }) => m.starterKey === 'gdpr-principles')).toHaveLength(1);
    const sales = await ctx().user('sales');
    expect((await app.inject({ method: 'POST', url: '/api/v1/training/modules/starter', headers: sales.headers })).statusCode).toBe(403);
  });
});
