import { describe, expect, it } from 'vitest';
import { workspaceSeeders } from '../../src/bootstrap.ts';
import { createWorkspace } from '../../src/workspaces/create-workspace.ts';
import { usePeopleTestApp } from '../kernel-people/people-test-app.ts';
import { insertTokenForRole } from '../support/owner-token.ts';
import { runCli } from '../support/run-cli.ts';
import { testDialects } from '../support/test-database.ts';
import { expectRefused, send } from './incidents-test-support.ts';

const hour = 3_600_000;
const url = '/api/v1/incidents';

interface Page {
  items: { id: string; title: string; status: string; awareAt: string }[];
  nextCursor: string | null;
}

describe.each(testDialects)('incident list pagination on %s', (dialect) => {
  const ctx = usePeopleTestApp(dialect);
  /** Titles in list order: most recent awareness first, then id descending. */
  let expected: { id: string; title: string; status: string }[] = [];

  it('pages through every incident once, most recent awareness first, with ties broken by id', async () => {
    const { services, t, clock, workspaceId } = ctx();
    const db = t.db.kysely;
    const system = { workspaceId, actor: { type: 'system' as const, id: 'test' } };
    const now = clock.now().getTime();
    // Seven incidents; two share an awareness instant, so the id must order them.
    const awareHoursAgo = [30, 2, 9, 9, 50, 1, 20];
    const created = [];
    for (const [n, ago] of awareHoursAgo.entries()) {
      const aware = new Date(now - ago * hour).toISOString();
      created.push(
        await services.incidents.create(db, system, {
          title: `Incident ${n}`,
          occurredFrom: new Date(now - (ago + 1) * hour).toISOString(),
          awareAt: aware,
        }),
      );
    }
    // One closed (unlikely risk, reason recorded), so the status filter is paged too.
    const toClose = created[2]!;
    const assessed = await services.incidents.update(db, system, toClose.id, toClose.version, {
      likelihood: 1,
      severity: 1,
      noNotificationReason: 'Encrypted laptop, key not on it',
    });
    await services.incidents.close(db, system, toClose.id, assessed.version);
    // Another workspace's incident never shows.
    const other = await createWorkspace({ db, clock, seeders: workspaceSeeders }, { name: 'Other' });
    await services.incidents.create(
      db,
      { workspaceId: other, actor: { type: 'system', id: 'test' } },
      {
        title: 'Elsewhere',
        occurredFrom: new Date(now - 3 * hour).toISOString(),
        awareAt: new Date(now - 2 * hour).toISOString(),
      },
    );

    const rows = await db
      .selectFrom('incidents')
      .select(['id', 'title', 'status', 'aware_at'])
      .where('workspace_id', '=', workspaceId)
      .execute();
    expected = rows
      .sort((a, b) => (a.aware_at === b.aware_at ? (a.id < b.id ? 1 : -1) : a.aware_at < b.aware_at ? 1 : -1))
      .map((r) => ({ id: r.id, title: r.title, status: r.status }));

    const walk = async (query: string, limit: number) => {
      const seen: Page['items'] = [];
      const sizes: number[] = [];
      let cursor: string | null = null;
      do {
        const res = await send(
          ctx().app,
          ctx().as.privacy_officer,
          'GET',
          `${url}?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expect(res.statusCode, res.body).toBe(200);
        const page = res.json<Page>();
        sizes.push(page.items.length);
        seen.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor !== null && sizes.length < 10);
      return { seen, sizes };
    };

    const all = await walk('status=all', 3);
    expect(all.sizes).toEqual([3, 3, 1]);
    expect(all.seen.map((i) => i.id)).toEqual(expected.map((e) => e.id));
    expect(all.seen.map((i) => i.title)).not.toContain('Elsewhere');

    const open = await walk('status=open', 2);
    expect(open.sizes).toEqual([2, 2, 2]);
    expect(open.seen.map((i) => i.id)).toEqual(expected.filter((e) => e.status === 'open').map((e) => e.id));

    // A page exactly as long as what is left says there is no next page.
    const exact = await send(ctx().app, ctx().as.privacy_officer, 'GET', `${url}?status=all&limit=7`);
    expect(exact.json<Page>()).toMatchObject({ nextCursor: null });
    expect(exact.json<Page>().items).toHaveLength(7);
    // The default page (50) holds them all.
    expect((await send(ctx().app, ctx().as.privacy_officer, 'GET', url)).json<Page>().items).toHaveLength(6);
  });

  it('refuses a forged cursor and an out-of-range limit with problem+json, changing nothing', async () => {
    const { app, as, t, workspaceId } = ctx();
    const db = t.db.kysely;
    const forged = Buffer.from(JSON.stringify(['yesterday', 'x'])).toString('base64url');
    for (const query of [
      `cursor=${forged}`,
      'cursor=not-json',
      'limit=0',
      'limit=201',
      'limit=ten',
      'cursor=a%20b',
      'sort=title',
    ]) {
      const problem = await expectRefused(
        db,
        workspaceId,
        () => send(app, as.privacy_officer, 'GET', `${url}?${query}`),
        400,
      );
      expect(problem.code, query).toBe('VALIDATION_FAILED');
    }
    const other = await createWorkspace(
      { db, clock: ctx().clock, seeders: workspaceSeeders },
      { name: 'Third' },
    );
    const outsider = {
      authorization: `Bearer ${(await insertTokenForRole(db, other, 'privacy_officer')).token}`,
    };
    const first = (await send(app, as.privacy_officer, 'GET', `${url}?status=all&limit=2`)).json<Page>();
    // Another workspace's cursor pages through its own (empty) register only.
    expect(
      (await send(app, outsider, 'GET', `${url}?status=all&cursor=${first.nextCursor!}`)).json<Page>(),
    ).toEqual({ items: [], nextCursor: null });
  });

  it('pages in the CLI: --limit, the command for the next page, --cursor and --json', async () => {
    const t = ctx().t;
    // The other workspaces were created at the same (fixed) instant: name this one.
    const ws = ['--workspace', ctx().workspaceId];
    const first = await runCli(t, ['incidents', 'list', '--status', 'all', '--limit', '4', ...ws]);
    expect(first.code, first.stderr).toBe(0);
    const lines = first.stdout.trim().split('\n');
    expect(lines.slice(1, 5).map((l) => l.split('\t').at(-1))).toEqual(expected.slice(0, 4).map((e) => e.id));
    const more = lines.at(-1)!;
    expect(more).toMatch(
      new RegExp(
        `^More: custodian incidents list --status all --limit 4 --workspace ${ctx().workspaceId} --cursor [A-Za-z0-9_-]+$`,
      ),
    );
    const cursor = more.split(' ').at(-1)!;
    const second = await runCli(t, [
      'incidents',
      'list',
      '--status',
      'all',
      '--limit',
      '4',
      '--cursor',
      cursor,
      '--json',
      ...ws,
    ]);
    expect(second.code, second.stderr).toBe(0);
    const page = JSON.parse(second.stdout) as Page;
    expect(page.items.map((i) => i.id)).toEqual(expected.slice(4).map((e) => e.id));
    expect(page.nextCursor).toBeNull();

    const bad = await runCli(t, ['incidents', 'list', '--cursor', 'bm90IGEgY3Vyc29y']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('VALIDATION_FAILED');
    for (const limit of ['0', '201', 'x']) {
      const res = await runCli(t, ['incidents', 'list', '--limit', limit]);
      expect(res.code, limit).toBe(2);
      expect(res.stderr).toContain('--limit is 1 to 200');
    }
  });
});
