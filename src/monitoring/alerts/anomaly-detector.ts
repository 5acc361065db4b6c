import { createHmac } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import type { Catalogue } from '../../kernel/catalogue/create-catalogue.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { PrivacyEvents } from '../../kernel/events/privacy-events.ts';
import type { AlertNotifier } from './alert-notifier.ts';
import type { AlertRuleStore } from './alert-rule-store.ts';
import type { Alert, AlertStore, GroupedHit } from './alert-store.ts';
import { createDetectorLease } from './detector-lease.ts';
import {
  createRuleEvaluator,
  type AlertHit,
  type AuditRow,
  type EvaluatorLookups,
  type RoleGrantSets,
  type RuleEvaluator,
} from './rule-evaluator.ts';

export interface AnomalyDetectorDeps {
  readonly db: Db;
  readonly clock: Clock;
  /** Unique per process (host, pid, random): the lease holder. */
  readonly holderId: string;
  readonly rules: AlertRuleStore;
  readonly alerts: AlertStore;
  readonly notifier: AlertNotifier;
  readonly catalogue: Pick<Catalogue, 'listCategories'>;
  readonly privacyEvents: PrivacyEvents;
  /** Key of the address digests (derived from the server secret). */
  readonly addressKey: Buffer;
  /** Audit entries read per batch (default 5,000). */
  readonly batchSize?: number;
  /** How long the lease lasts without renewal (default 30 s); renewed every batch. */
  readonly leaseMs?: number;
  /** Told about a failed batch (an error code or class name is enough: never log its message's data). */
  readonly onError?: (error: unknown) => void;
}

/** What one pass did. */
export interface DetectorRun {
  /** False when another process holds the lease: this one read nothing. */
  readonly held: boolean;
  readonly entries: number;
  /** Alerts created, and hits grouped into existing alerts. */
  readonly raised: number;
  readonly grouped: number;
}

export interface AnomalyDetector {
  /** One pass: takes or renews the lease, then reads every workspace's audit log from its cursor to the head. */
  runOnce(): Promise<DetectorRun>;
  /** Polls every `pollMs` (default 1 s) with a timer that does not keep the process alive. */
  start(pollMs?: number): void;
  /** Stops polling, waits for a running pass and gives the lease up. */
  stop(): Promise<void>;
}

/** Entries older than this when first read only teach the baselines: a first start on a long history raises nothing. */
const raiseHorizonMs = 24 * 3_600_000;

function groupHits(hits: readonly AlertHit[]): GroupedHit[] {
  const groups = new Map<string, GroupedHit>();
  for (const h of hits) {
    const g = groups.get(h.groupKey);
    if (!g) groups.set(h.groupKey, { ...h, seqs: [...h.seqs], hitCount: 1, firstAt: h.at });
    else
      groups.set(h.groupKey, {
        ...h,
        seqs: [...g.seqs, ...h.seqs],
        hitCount: g.hitCount + 1,
        firstAt: g.firstAt,
      });
  }
  return [...groups.values()];
}

const parseList = (json: string): Set<string> => {
  try {
    const v: unknown = JSON.parse(json);
    return new Set(Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  } catch {
    return new Set();
  }
};

/**
 * The anomaly detector: tails each workspace's audit log by a stored cursor, evaluates the workspace's rules and
 * raises alerts. One process at a time holds its lease (`job_leases`, name `anomaly-detector`); a batch's alerts,
 * baselines and cursor commit together, and the cursor only moves from the value the batch started at, so a batch is
 * never applied twice. New alerts emit `alert.raised` in the same transaction and are emailed after it commits.
 *
 * @example
 * const detector = createAnomalyDetector({ db, clock, holderId, rules, alerts, notifier, catalogue, privacyEvents, addressKey });
 * detector.start(); // main.ts
 * await detector.runOnce(); // tests
 */
export function createAnomalyDetector(deps: AnomalyDetectorDeps): AnomalyDetector {
  const { db, clock } = deps;
  const kysely = db.kysely;
  const batchSize = deps.batchSize ?? 5000;
  const lease = createDetectorLease({
    db: kysely,
    clock,
    holderId: deps.holderId,
    name: 'anomaly-detector',
    leaseMs: deps.leaseMs ?? 30_000,
  });
  const evaluators = new Map<string, RuleEvaluator>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<DetectorRun> | undefined;
  let stopped = false;
  let notifications: Promise<void> = Promise.resolve();

  function lookupsFor(workspaceId: string): EvaluatorLookups {
    const roleCache = new Map<string, RoleGrantSets | undefined>();
    let specials: ReadonlySet<string> | undefined;
    return {
      async hourlyHistory(metric, actorKey, from) {
        const rows = await kysely
          .selectFrom('alert_hourly_counts')
          .select(['hour', 'count'])
          .where('workspace_id', '=', workspaceId)
          .where('metric', '=', metric)
          .where('actor_key', '=', actorKey)
          .where('hour', '>=', from)
          .execute();
        return new Map(rows.map((r) => [r.hour, Number(r.count)]));
      },
      async roleGrant(roleKey) {
        if (!roleCache.has(roleKey)) {
          const row = await kysely
            .selectFrom('roles')
            .select(['permissions', 'purposes', 'data_categories'])
            .where('workspace_id', '=', workspaceId)
            .where('key', '=', roleKey)
            .executeTakeFirst();
          roleCache.set(
            roleKey,
            row
              ? {
                  permissions: parseList(row.permissions),
                  purposes: parseList(row.purposes),
                  dataCategories: parseList(row.data_categories),
                }
              : undefined,
          );
        }
        return roleCache.get(roleKey);
      },
      async previousRolePermissions(roleId, beforeSeq) {
        const rows = await kysely
          .selectFrom('audit_log')
          .select('details')
          .where('workspace_id', '=', workspaceId)
          .where('resource_type', '=', 'role')
          .where('resource_id', '=', roleId)
          .where('action', 'in', ['role.create', 'role.update'])
          .where('seq', '<', beforeSeq)
          .orderBy('seq', 'desc')
          .limit(20)
          .execute();
        for (const r of rows) {
          const d = JSON.parse(r.details) as { permissions?: unknown };
          if (Array.isArray(d.permissions))
            return d.permissions.filter((p): p is string => typeof p === 'string');
        }
        return undefined;
      },
      async specialCategories() {
        specials ??= new Set(
          (await deps.catalogue.listCategories(kysely, workspaceId))
            .filter((c) => c.special)
            .map((c) => c.key),
        );
        return specials;
      },
      async tokenAddresses(tokenId) {
        const rows = await kysely
          .selectFrom('alert_token_addresses')
          .select('address_digest')
          .where('workspace_id', '=', workspaceId)
          .where('token_id', '=', tokenId)
          .execute();
        return new Set(rows.map((r) => r.address_digest));
      },
      addressDigest(ip) {
        return createHmac('sha256', deps.addressKey)
          .update(`${workspaceId}\n${ip}`)
          .digest('hex')
          .slice(0, 32);
      },
    };
  }

  async function writeBatch(
    workspaceId: string,
    fromSeq: number,
    toSeq: number,
    effects: Awaited<ReturnType<RuleEvaluator['evaluate']>>,
  ): Promise<{ created: Alert[]; grouped: number }> {
    const created: Alert[] = [];
    let grouped = 0;
    await kysely.transaction().execute(async (trx: Kysely<Database>) => {
      const now = clock.now().toISOString();
      // The cursor moves only from where this batch started: a second holder (after a lost lease) cannot apply it twice.
      if (fromSeq === 0) {
        const existing = await trx
          .selectFrom('alert_cursors')
          .select('seq')
          .where('workspace_id', '=', workspaceId)
          .executeTakeFirst();
        if (existing) throw new Error('alert cursor moved');
        await trx
          .insertInto('alert_cursors')
          .values({ workspace_id: workspaceId, seq: toSeq, updated_at: now })
          .execute();
      } else {
        const moved = await trx
          .updateTable('alert_cursors')
          .set({ seq: toSeq, updated_at: now })
          .where('workspace_id', '=', workspaceId)
          .where('seq', '=', fromSeq)
          .executeTakeFirst();
        if (Number(moved.numUpdatedRows) !== 1) throw new Error('alert cursor moved');
      }
      // One multi-row upsert per 500 hours counted (not one statement per actor and hour).
      const deltas = [...effects.countDeltas.values()].map((d) => ({
        workspace_id: workspaceId,
        metric: d.metric,
        actor_key: d.actorKey,
        hour: d.hour,
        count: d.delta,
      }));
      for (let i = 0; i < deltas.length; i += 500) {
        await trx
          .insertInto('alert_hourly_counts')
          .values(deltas.slice(i, i + 500))
          .onConflict((oc) =>
            oc
              .columns(['workspace_id', 'metric', 'actor_key', 'hour'])
              .doUpdateSet({ count: sql<number>`alert_hourly_counts.count + excluded.count` }),
          )
          .execute();
      }
      for (const a of effects.newAddresses) {
        await trx
          .insertInto('alert_token_addresses')
          .values({
            workspace_id: workspaceId,
            token_id: a.tokenId,
            address_digest: a.digest,
            first_seen_at: a.at,
          })
          .onConflict((oc) => oc.columns(['workspace_id', 'token_id', 'address_digest']).doNothing())
          .execute();
      }
      for (const { alert, created: isNew } of await deps.alerts.recordAll(
        trx,
        workspaceId,
        groupHits(effects.hits),
      )) {
        if (!isNew) {
          grouped += 1;
          continue;
        }
        created.push(alert);
        await deps.privacyEvents.emit(trx, {
          type: 'alert.raised',
          workspaceId,
          data: {
            alertId: alert.id,
            rule: alert.rule,
            severity: alert.severity,
            subjectType: alert.subjectType,
            evidenceCount: alert.evidence.count,
            windowStart: alert.windowStart,
            windowEnd: alert.windowEnd,
          },
        });
      }
    });
    return { created, grouped };
  }

  async function runWorkspace(
    workspaceId: string,
  ): Promise<{ entries: number; raised: number; grouped: number }> {
    const total = { entries: 0, raised: 0, grouped: 0 };
    const { set } = await deps.rules.get(kysely, workspaceId);
    const lookups = lookupsFor(workspaceId);
    let evaluator = evaluators.get(workspaceId);
    if (!evaluator) {
      evaluator = createRuleEvaluator();
      evaluators.set(workspaceId, evaluator);
    }
    for (;;) {
      const cursorRow = await kysely
        .selectFrom('alert_cursors')
        .select('seq')
        .where('workspace_id', '=', workspaceId)
        .executeTakeFirst();
      const fromSeq = cursorRow ? Number(cursorRow.seq) : 0;
      const rows = (
        await kysely
          .selectFrom('audit_log')
          .select([
            'seq',
            'at',
            'actor_type',
            'actor_id',
            'action',
            'resource_type',
            'resource_id',
            'outcome',
            'ip',
            'details',
          ])
          .where('workspace_id', '=', workspaceId)
          .where('seq', '>', fromSeq)
          .orderBy('seq')
          .limit(batchSize)
          .execute()
      ).map((r): AuditRow => ({ ...r, seq: Number(r.seq) }));
      const last = rows[rows.length - 1];
      if (!last) break;
      const raiseFrom = new Date(clock.now().getTime() - raiseHorizonMs).toISOString();
      const effects = await evaluator.evaluate(rows, set, lookups, raiseFrom);
      const { created, grouped } = await writeBatch(workspaceId, fromSeq, last.seq, effects);
      total.entries += rows.length;
      total.raised += created.length;
      total.grouped += grouped;
      if (created.length > 0) {
        // Emails go out while the next batch is read; the pass waits for them before it ends.
        notifications = notifications
          .then(() => deps.notifier.notify(kysely, workspaceId, set.notifyRoles, created))
          .catch((error: unknown) => deps.onError?.(error));
      }
      if (rows.length < batchSize || stopped) break;
      if (!(await lease.claim())) break;
    }
    return total;
  }

  async function pass(): Promise<DetectorRun> {
    if (!(await lease.claim())) {
      // Whatever this process remembered may be stale once another holder has read on.
      evaluators.clear();
      return { held: false, entries: 0, raised: 0, grouped: 0 };
    }
    const workspaces = await kysely.selectFrom('workspaces').select('id').orderBy('id').execute();
    const total = { held: true, entries: 0, raised: 0, grouped: 0 };
    for (const w of workspaces) {
      try {
        const r = await runWorkspace(w.id);
        total.entries += r.entries;
        total.raised += r.raised;
        total.grouped += r.grouped;
      } catch (error) {
        // The batch rolled back: drop the in-memory state it advanced and read again next pass.
        evaluators.delete(w.id);
        deps.onError?.(error);
      }
    }
    await notifications;
    return total;
  }

  function runOnce(): Promise<DetectorRun> {
    const next = (running ?? Promise.resolve(undefined)).catch(() => undefined).then(pass);
    running = next;
    return next;
  }

  let started = false;

  return {
    runOnce,
    start(pollMs = 1000) {
      if (started) return;
      started = true;
      stopped = false;
      // Each pass starts `pollMs` after the previous one ended, so passes never overlap.
      const loop = () => {
        runOnce()
          .catch((error: unknown) => deps.onError?.(error))
          .finally(() => {
            if (stopped) return;
            timer = setTimeout(loop, pollMs);
            timer.unref();
          });
      };
      loop();
    },
    async stop() {
      stopped = true;
      started = false;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await running?.catch(() => undefined);
      await lease.release().catch(() => undefined);
    },
  };
}
