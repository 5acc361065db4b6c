import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import { AppError, isAppError } from '../../errors.ts';
import { appendAudit, type Actor } from '../../kernel/audit/audit-log.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { BatchErasure } from '../../kernel/erasure/erase-people.ts';
import type { ErasurePipeline } from '../../kernel/erasure/erasure-pipeline.ts';
import type { PrivacyEvents } from '../../kernel/events/privacy-events.ts';
import { duePersonPages, findDuePersons, type DuePerson } from './retention-due.ts';
import { previewDue, type RetentionPreview } from './retention-preview.ts';
import type { RetentionPolicies } from './retention-policies.ts';

/** What started a sweep. */
export const sweepTriggers = ['schedule', 'api', 'cli'] as const;
export type SweepTrigger = (typeof sweepTriggers)[number];

/** Counts of a sweep (or of one policy within it). */
export interface SweepCounts {
  /** Due when the sweep started, holds included. */
  due: number;
  erased: number;
  anonymised: number;
  /** Due but under an active legal hold: left alone. */
  blocked: number;
  /** Erased by the per-person pipeline, which kept what an Art. 17(3) exception covers. */
  kept: number;
  failed: number;
}

/** One recorded sweep. */
export interface RetentionSweep extends SweepCounts {
  readonly id: string;
  readonly trigger: SweepTrigger;
  readonly dryRun: boolean;
  readonly status: 'running' | 'completed' | 'failed';
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly perPolicy: Record<string, SweepCounts>;
  readonly errorCode: string | null;
  readonly actor: Actor;
}

export interface RetentionSweeper {
  /**
   * Sweeps one workspace: everyone `findDuePersons` returns is erased or anonymised through the erasure pipeline
   * (batched), except persons under a legal hold. A dry run records the counts it would reach without touching anyone.
   * One sweep per workspace at a time (`RETENTION_SWEEP_RUNNING`). Recorded, audited, and told as
   * `retention.sweep_completed`.
   */
  sweep(
    workspaceId: string,
    options: {
      readonly trigger: SweepTrigger;
      readonly dryRun?: boolean;
      readonly actor: Actor;
      readonly requestId?: string | null;
      readonly ip?: string | null;
    },
  ): Promise<RetentionSweep>;
  /** Everyone due now, with the reason (the sweep's own selection), all in memory: tests and small workspaces. */
  due(db: Kysely<Database>, workspaceId: string): Promise<DuePerson[]>;
  /**
   * One page of the preview (the sweep's own selection, paged through the workspace): the next `limit` free persons
   * after the cursor by due date, counts per policy, the first blocked persons.
   */
  preview(
    db: Kysely<Database>,
    workspaceId: string,
    page: { readonly limit: number; readonly after?: readonly [string, string]; readonly blockedShown: number },
  ): Promise<RetentionPreview>;
  list(
    db: Kysely<Database>,
    workspaceId: string,
    page: { limit: number; cursor?: string | undefined },
  ): Promise<{ items: RetentionSweep[]; nextCursor: string | null }>;
  getOrThrow(db: Kysely<Database>, workspaceId: string, id: string): Promise<RetentionSweep>;
}

const emptyCounts = (): SweepCounts => ({ due: 0, erased: 0, anonymised: 0, blocked: 0, kept: 0, failed: 0 });

function toSweep(row: Database['retention_sweeps']): RetentionSweep {
  return {
    id: row.id,
    trigger: row.trigger as SweepTrigger,
    dryRun: row.dry_run === 1,
    status: row.status as RetentionSweep['status'],
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    due: row.due,
    erased: row.erased,
    anonymised: row.anonymised,
    blocked: row.blocked,
    kept: row.kept,
    failed: row.failed,
    perPolicy: JSON.parse(row.per_policy) as Record<string, SweepCounts>,
    errorCode: row.error_code,
    actor: { type: row.actor_type as Actor['type'], id: row.actor_id },
  };
}

const encodeCursor = (startedAt: string, id: string) =>
  Buffer.from(JSON.stringify([startedAt, id])).toString('base64url');
function decodeCursor(cursor: string): [string, string] {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string')
      return [v[0], v[1]];
  } catch {
    // fall through
  }
  throw new AppError('VALIDATION_FAILED', {
    detail: 'The cursor is not valid',
    errors: [{ path: '/cursor', message: 'invalid cursor' }],
  });
}

/** How long a sweep's workspace lease lasts before another sweep may assume it died. */
const leaseMs = 30 * 60_000;
const epoch = new Date(0).toISOString();

/**
 * @example
 * const sweeper = createRetentionSweeper({ db, clock, policies, batch, pipeline, events });
 * const run = await sweeper.sweep(workspaceId, { trigger: 'api', actor });
 */
export function createRetentionSweeper(deps: {
  readonly db: Db;
  readonly clock: Clock;
  readonly policies: Pick<RetentionPolicies, 'list'>;
  readonly batch: BatchErasure;
  readonly pipeline: Pick<ErasurePipeline, 'erasePerson'>;
  readonly events?: PrivacyEvents;
  /** Persons per batch transaction. Default 1,000. */
  readonly batchSize?: number;
}): RetentionSweeper {
  const { db, clock } = deps;
  const kysely = db.kysely;
  const batchSize = deps.batchSize ?? 1000;
  const auditDeps = { dialect: db.dialect, clock };

  const due: RetentionSweeper['due'] = async (conn, workspaceId) =>
    findDuePersons(
      conn,
      workspaceId,
      await deps.policies.list(conn, workspaceId, { activeOnly: true }),
      clock.now().toISOString(),
    );
  const pages = async (conn: Kysely<Database>, workspaceId: string) =>
    duePersonPages(
      conn,
      workspaceId,
      await deps.policies.list(conn, workspaceId, { activeOnly: true }),
      clock.now().toISOString(),
    );

  /** A lease per workspace in `job_leases`, so an on-demand sweep and the scheduled one never overlap. */
  async function claim(workspaceId: string, holder: string): Promise<boolean> {
    const name = `retention.sweep:${workspaceId}`;
    const now = clock.now();
    await kysely
      .insertInto('job_leases')
      .values({ name, holder: null, expires_at: epoch })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    const r = await kysely
      .updateTable('job_leases')
      .set({ holder, expires_at: new Date(now.getTime() + leaseMs).toISOString() })
      .where('name', '=', name)
      .where('expires_at', '<=', now.toISOString())
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
  async function release(workspaceId: string, holder: string): Promise<void> {
    await kysely
      .updateTable('job_leases')
      .set({ holder: null, expires_at: epoch })
      .where('name', '=', `retention.sweep:${workspaceId}`)
      .where('holder', '=', holder)
      .execute();
  }

  /** Runs one batch; when the batch transaction fails, each person is retried alone so one bad record fails alone. */
  async function eraseBatch(
    workspaceId: string,
    people: readonly DuePerson[],
    actor: Actor,
    sweepId: string,
    counts: (p: DuePerson) => SweepCounts[],
  ) {
    const mode = (people[0] as DuePerson).action;
    const byId = new Map(people.map((p) => [p.personId, p]));
    const request = { workspaceId, trigger: 'retention' as const, mode, actor, requestId: sweepId };
    let outcomes: { personId: string; result: Awaited<ReturnType<BatchErasure['erasePeople']>> | 'failed' }[];
    try {
      outcomes = [
        {
          personId: '',
          result: await deps.batch.erasePeople({ ...request, personIds: people.map((p) => p.personId) }),
        },
      ];
    } catch {
      outcomes = [];
      for (const p of people) {
        try {
          outcomes.push({
            personId: p.personId,
            result: await deps.batch.erasePeople({ ...request, personIds: [p.personId] }),
          });
        } catch {
          outcomes.push({ personId: p.personId, result: 'failed' });
        }
      }
    }
    for (const o of outcomes) {
      if (o.result === 'failed') {
        for (const c of counts(byId.get(o.personId) as DuePerson)) c.failed += 1;
        continue;
      }
      for (const d of o.result.done)
        for (const c of counts(byId.get(d.personId) as DuePerson))
          c[mode === 'anonymise' ? 'anonymised' : 'erased'] += 1;
      for (const b of o.result.blocked)
        for (const c of counts(byId.get(b.personId) as DuePerson)) c.blocked += 1;
      for (const s of o.result.skipped)
        if (s.code !== 'GONE') for (const c of counts(byId.get(s.personId) as DuePerson)) c.failed += 1;
      for (const personId of o.result.excepted) {
        const lines = counts(byId.get(personId) as DuePerson);
        try {
          await deps.pipeline.erasePerson({
            workspaceId,
            personId,
            trigger: 'retention',
            actor,
            requestId: sweepId,
          });
          for (const c of lines) c.kept += 1;
        } catch (error) {
          for (const c of lines)
            c[isAppError(error) && error.code === 'LEGAL_HOLD' ? 'blocked' : 'failed'] += 1;
        }
      }
    }
  }

  return {
    due,

    async preview(conn, workspaceId, page) {
      return previewDue(await pages(conn, workspaceId), page);
    },

    async sweep(workspaceId, options) {
      const id = randomUUID();
      const dryRun = options.dryRun === true;
      if (!(await claim(workspaceId, id))) throw new AppError('RETENTION_SWEEP_RUNNING');
      const startedAt = clock.now().toISOString();
      const base: Database['retention_sweeps'] = {
        id,
        workspace_id: workspaceId,
        trigger: options.trigger,
        dry_run: dryRun ? 1 : 0,
        status: 'running',
        started_at: startedAt,
        finished_at: null,
        due: 0,
        erased: 0,
        anonymised: 0,
        blocked: 0,
        kept: 0,
        failed: 0,
        per_policy: '{}',
        error_code: null,
        actor_type: options.actor.type,
        actor_id: options.actor.id,
      };
      try {
        await kysely.insertInto('retention_sweeps').values(base).execute();
        const total = emptyCounts();
        const perPolicy: Record<string, SweepCounts> = {};
        const counts = (p: DuePerson): SweepCounts[] => [total, (perPolicy[p.policyId] ??= emptyCounts())];
        let errorCode: string | null = null;
        try {
          // Page by page through the workspace (keyset on the person id): the due persons of each page are counted,
          // and the free ones gathered per action into batches of `batchSize`, erased as soon as one is full.
          const waiting: Record<DuePerson['action'], DuePerson[]> = { delete: [], anonymise: [] };
          for await (const page of await pages(kysely, workspaceId)) {
            for (const p of page) {
              for (const c of counts(p)) c.due += 1;
              if (p.holdIds.length > 0) {
                for (const c of counts(p)) c.blocked += 1;
              } else if (dryRun) {
                for (const c of counts(p)) c[p.action === 'anonymise' ? 'anonymised' : 'erased'] += 1;
              } else {
                const group = waiting[p.action];
                group.push(p);
                if (group.length >= batchSize)
                  await eraseBatch(workspaceId, group.splice(0, batchSize), options.actor, id, counts);
              }
            }
          }
          for (const group of Object.values(waiting))
            for (let i = 0; i < group.length; i += batchSize)
              await eraseBatch(workspaceId, group.slice(i, i + batchSize), options.actor, id, counts);
        } catch (error) {
          errorCode = isAppError(error) ? error.code : 'INTERNAL';
        }
        const finished: Database['retention_sweeps'] = {
          ...base,
          ...total,
          status: errorCode ? 'failed' : 'completed',
          finished_at: clock.now().toISOString(),
          per_policy: JSON.stringify(perPolicy),
          error_code: errorCode,
        };
        await kysely.transaction().execute(async (trx) => {
          await trx
            .updateTable('retention_sweeps')
            .set(finished)
            .where('workspace_id', '=', workspaceId)
            .where('id', '=', id)
            .execute();
          await appendAudit(trx, auditDeps, {
            workspaceId,
            actor: options.actor,
            action: dryRun ? 'retention.sweep.dry_run' : 'retention.sweep',
            outcome: errorCode ? 'failed' : 'allowed',
            resourceType: 'retention_sweep',
            resourceId: id,
            requestId: options.requestId ?? null,
            ip: options.ip ?? null,
            details: {
              trigger: options.trigger,
              ...total,
              policies: Object.keys(perPolicy).length,
              errorCode,
            },
          });
          if (!dryRun) {
            await deps.events?.emit(trx, {
              type: 'retention.sweep_completed',
              workspaceId,
              data: { sweepId: id, status: finished.status, ...total },
            });
          }
        });
        return toSweep(finished);
      } finally {
        await release(workspaceId, id);
      }
    },

    async list(conn, workspaceId, page) {
      let q = conn.selectFrom('retention_sweeps').selectAll().where('workspace_id', '=', workspaceId);
      if (page.cursor) {
        const [at, cid] = decodeCursor(page.cursor);
        q = q.where((eb) =>
          eb.or([eb('started_at', '<', at), eb.and([eb('started_at', '=', at), eb('id', '<', cid)])]),
        );
      }
      const rows = await q
        .orderBy('started_at', 'desc')
        .orderBy('id', 'desc')
        .limit(page.limit + 1)
        .execute();
      const items = rows.slice(0, page.limit).map(toSweep);
      const last = items[items.length - 1];
      return {
        items,
        nextCursor: rows.length > page.limit && last ? encodeCursor(last.startedAt, last.id) : null,
      };
    },

    async getOrThrow(conn, workspaceId, id) {
      const row = await conn
        .selectFrom('retention_sweeps')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .executeTakeFirst();
      if (!row) throw new AppError('NOT_FOUND', { resource: 'retention_sweep' });
      return toSweep(row);
    },
  };
}
