import type { AlertRuleKey, AlertRuleSet, AlertSeverity, VolumeRule } from './alert-rules.ts';
import { baselineOf, volumeThreshold } from './hourly-baseline.ts';
import { createWorkingHours } from './working-hours.ts';

/** The audit columns the rules read (never the subject pseudonym: no rule needs to know who the data is about). */
export interface AuditRow {
  readonly seq: number;
  readonly at: string;
  readonly actor_type: string;
  readonly actor_id: string | null;
  readonly action: string;
  readonly resource_type: string | null;
  readonly resource_id: string | null;
  readonly outcome: string;
  readonly ip: string | null;
  readonly details: string;
}

export type AlertSubjectType = 'user' | 'token' | 'account' | 'address' | 'role' | 'workspace';

/** One rule hit. Hits with the same `groupKey` become one alert (its `hits` count the repeats). */
export interface AlertHit {
  readonly rule: AlertRuleKey;
  readonly severity: AlertSeverity;
  readonly subjectType: AlertSubjectType;
  /** A user, token or role id, an address digest, or null for the workspace. */
  readonly subjectId: string | null;
  readonly groupKey: string;
  readonly windowStart: string;
  readonly windowEnd: string;
  /** Audit seqs cited as evidence by this hit. */
  readonly seqs: readonly number[];
  readonly at: string;
  /** No personal data: counts, thresholds, role keys, category keys. */
  readonly summary: string;
  readonly figures: Readonly<Record<string, unknown>>;
}

/** Metrics of the volume rules. */
export type VolumeMetric = 'export' | 'read' | 'workspace_read';

/** What the evaluator asks the database (the detector implements it over the batch's handle). */
export interface EvaluatorLookups {
  /** Stored hourly counts from `from` on (written by earlier batches), by hour: read once per actor and metric. */
  hourlyHistory(metric: VolumeMetric, actorKey: string, from: string): Promise<Map<string, number>>;
  /** A role's grant by key, as sets; undefined when the role no longer exists. */
  roleGrant(roleKey: string): Promise<RoleGrantSets | undefined>;
  /** The permissions a role had according to the audit entry before `seq` that set them. */
  previousRolePermissions(roleId: string, beforeSeq: number): Promise<readonly string[] | undefined>;
  /** Category keys of the workspace that are special (Art. 9). */
  specialCategories(): Promise<ReadonlySet<string>>;
  /** Address digests the token was seen from. */
  tokenAddresses(tokenId: string): Promise<Set<string>>;
  /** The keyed digest of a client address (the address itself is never stored by the detector). */
  addressDigest(ip: string): string;
}

export interface RoleGrantSets {
  readonly permissions: ReadonlySet<string>;
  readonly purposes: ReadonlySet<string>;
  readonly dataCategories: ReadonlySet<string>;
}

/** What a batch changed besides alerts: hourly count increments and new token addresses, written with the alerts. */
export interface BatchEffects {
  readonly hits: AlertHit[];
  readonly countDeltas: Map<string, { metric: VolumeMetric; actorKey: string; hour: string; delta: number }>;
  readonly newAddresses: { tokenId: string; digest: string; at: string }[];
}

export interface RuleEvaluator {
  /**
   * Evaluates entries in seq order. Entries before `raiseFrom` only teach (baselines, token addresses): history
   * read on a first start raises nothing.
   */
  evaluate(
    rows: readonly AuditRow[],
    set: AlertRuleSet,
    lookups: EvaluatorLookups,
    raiseFrom: string,
  ): Promise<BatchEffects>;
}

interface HourState {
  hour: string;
  count: number;
  threshold: number;
  mean: number;
  sd: number;
  baselineHours: number;
  seqs: number[];
  fired: boolean;
}

const evidenceCap = 50;
const hourMs = 3_600_000;
const accessOperations = new Set(['read', 'search', 'export', 'write', 'send', 'share']);

function parseDetails(raw: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(raw);
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const hourOf = (at: string) => `${at.slice(0, 13)}:00:00.000Z`;
const windowOf = (atMs: number, minutes: number) => {
  const size = minutes * 60_000;
  const start = Math.floor(atMs / size) * size;
  return { start: new Date(start).toISOString(), end: new Date(start + size).toISOString() };
};
const countOf = (d: Record<string, unknown>) =>
  typeof d.count === 'number' && Number.isFinite(d.count) && d.count >= 0 ? d.count : 1;
const plural = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`;

/**
 * The rules over a workspace's audit stream, with the state they carry from one batch to the next (the current hour
 * of each volume, the sliding windows of failed sign-ins). One evaluator per workspace, owned by the detector that
 * holds the lease; it is dropped when the lease is lost or a batch fails, and rebuilt from the database.
 *
 * @example
 * const evaluator = createRuleEvaluator();
 * const { hits } = await evaluator.evaluate(rows, ruleSet, lookups, raiseFrom);
 */
export function createRuleEvaluator(): RuleEvaluator {
  const hours = new Map<string, HourState>();
  const histories = new Map<string, Map<string, number>>();
  const bursts = new Map<string, { at: number; seq: number }[]>();
  const firedGroups = new Set<string>();
  const tokenSets = new Map<string, Set<string>>();

  return {
    async evaluate(rows, set, lookups, raiseFrom) {
      const within = createWorkingHours(set);
      const r = set.rules;
      const effects: BatchEffects = { hits: [], countDeltas: new Map(), newAddresses: [] };
      let specials: ReadonlySet<string> | undefined;

      const hit = (h: AlertHit, row: AuditRow) => {
        if (row.at >= raiseFrom) effects.hits.push(h);
      };

      const volume = async (
        rule: AlertRuleKey,
        cfg: VolumeRule,
        metric: VolumeMetric,
        actorKey: string,
        row: AuditRow,
        n: number,
        subject: { type: AlertSubjectType; id: string | null },
      ) => {
        const hour = hourOf(row.at);
        const key = `${metric}|${actorKey}`;
        const deltaKey = `${key}|${hour}`;
        const delta = effects.countDeltas.get(deltaKey);
        if (delta) delta.delta += n;
        else effects.countDeltas.set(deltaKey, { metric, actorKey, hour, delta: n });
        let st = hours.get(key);
        if (!st || st.hour < hour) {
          const from = new Date(new Date(hour).getTime() - cfg.baselineDays * 24 * hourMs).toISOString();
          // The actor's hours are read from the database once, then kept up to date here.
          let history = histories.get(key);
          if (!history) {
            history = await lookups.hourlyHistory(metric, actorKey, from);
            histories.set(key, history);
          }
          if (st) history.set(st.hour, st.count);
          const usual: number[] = [];
          for (const [h, c] of history) {
            if (h < from) history.delete(h);
            else if (h < hour) usual.push(c);
          }
          const baseline = baselineOf(usual);
          // Counted by an earlier batch (or process) in this hour.
          const stored = history.get(hour) ?? 0;
          st = {
            hour,
            count: stored,
            threshold: volumeThreshold(baseline, cfg),
            mean: baseline.mean,
            sd: baseline.sd,
            baselineHours: baseline.hours,
            seqs: [],
            fired: false,
          };
          hours.set(key, st);
        } else if (st.hour > hour) {
          return; // a late entry of an earlier hour: counted, not evaluated
        }
        st.count += n;
        if (st.seqs.length < evidenceCap) st.seqs.push(row.seq);
        if (!cfg.enabled || st.count <= st.threshold) return;
        const first = !st.fired;
        st.fired = true;
        const what =
          metric === 'export'
            ? 'exported'
            : metric === 'read'
              ? 'read or searched'
              : 'read, searched or exported in the workspace';
        hit(
          {
            rule,
            severity: cfg.severity,
            subjectType: subject.type,
            subjectId: subject.id,
            groupKey: `${rule}|${actorKey}|${hour}`,
            windowStart: hour,
            windowEnd: new Date(new Date(hour).getTime() + hourMs).toISOString(),
            seqs: first ? [...st.seqs] : [row.seq],
            at: row.at,
            summary: `${plural(st.count, 'record')} ${what} within one hour; usual busy hour ${Math.round(st.mean).toLocaleString('en-GB')} ± ${Math.round(st.sd).toLocaleString('en-GB')} over ${plural(st.baselineHours, 'active hour')}; threshold ${st.threshold.toLocaleString('en-GB')}`,
            figures: {
              count: st.count,
              threshold: st.threshold,
              baselineMean: Math.round(st.mean * 100) / 100,
              baselineSd: Math.round(st.sd * 100) / 100,
              baselineHours: st.baselineHours,
            },
          },
          row,
        );
      };

      const burst = (
        rule: 'failed_sign_ins_account' | 'failed_sign_ins_address',
        key: string,
        row: AuditRow,
        subject: { type: AlertSubjectType; id: string },
      ) => {
        const cfg = r[rule];
        const atMs = Date.parse(row.at);
        const windowMs = cfg.windowMinutes * 60_000;
        const list = (bursts.get(`${rule}|${key}`) ?? []).filter((e) => e.at > atMs - windowMs);
        list.push({ at: atMs, seq: row.seq });
        bursts.set(`${rule}|${key}`, list.slice(-evidenceCap));
        if (!cfg.enabled || list.length < cfg.threshold) return;
        const w = windowOf(atMs, cfg.windowMinutes);
        const groupKey = `${rule}|${key}|${w.start}`;
        const first = !firedGroups.has(groupKey);
        firedGroups.add(groupKey);
        hit(
          {
            rule,
            severity: cfg.severity,
            subjectType: subject.type,
            subjectId: subject.id,
            groupKey,
            windowStart: w.start,
            windowEnd: w.end,
            seqs: first ? list.map((e) => e.seq) : [row.seq],
            at: row.at,
            summary: `${plural(list.length, 'failed sign-in')} ${rule === 'failed_sign_ins_account' ? 'on one account' : 'from one client address'} within ${plural(cfg.windowMinutes, 'minute')}; threshold ${cfg.threshold}`,
            figures: { count: list.length, threshold: cfg.threshold, windowMinutes: cfg.windowMinutes },
          },
          row,
        );
      };

      const event = (
        rule: 'out_of_hours' | 'special_category_access' | 'privilege_escalation' | 'token_new_address',
        key: string,
        row: AuditRow,
        subject: { type: AlertSubjectType; id: string | null },
        summary: string,
        figures: Record<string, unknown>,
        groupSuffix?: string,
      ) => {
        const cfg = r[rule];
        if (!cfg.enabled) return;
        const w = windowOf(Date.parse(row.at), cfg.windowMinutes);
        hit(
          {
            rule,
            severity: cfg.severity,
            subjectType: subject.type,
            subjectId: subject.id,
            groupKey: `${rule}|${key}|${groupSuffix ?? w.start}`,
            windowStart: w.start,
            windowEnd: w.end,
            seqs: [row.seq],
            at: row.at,
            summary,
            figures,
          },
          row,
        );
      };

      for (const row of rows) {
        const actorKey =
          (row.actor_type === 'user' || row.actor_type === 'token') && row.actor_id
            ? `${row.actor_type}:${row.actor_id}`
            : undefined;
        const actor = actorKey ? { type: row.actor_type as 'user' | 'token', id: row.actor_id } : undefined;

        if ((row.action === 'auth.sign-in' || row.action === 'auth.mfa') && row.outcome === 'failed') {
          if (row.resource_type === 'user' && row.resource_id)
            burst('failed_sign_ins_account', `user:${row.resource_id}`, row, {
              type: 'account',
              id: row.resource_id,
            });
          if (row.ip) {
            const digest = lookups.addressDigest(row.ip);
            burst('failed_sign_ins_address', `address:${digest}`, row, { type: 'address', id: digest });
          }
          continue;
        }
        if (row.outcome !== 'allowed') continue;
        const details = row.details.length > 2 ? parseDetails(row.details) : {};
        const operation = typeof details.operation === 'string' ? details.operation : undefined;
        const isExport = operation === 'export' || row.action.endsWith('.export');
        const isRead = operation === 'read' || operation === 'search';

        if (actorKey && actor) {
          const n = countOf(details);
          if (isExport) await volume('bulk_export', r.bulk_export, 'export', actorKey, row, n, actor);
          if (isRead) await volume('bulk_read', r.bulk_read, 'read', actorKey, row, n, actor);
          const isAccess = isExport || (operation !== undefined && accessOperations.has(operation));
          if (isAccess && !within(new Date(row.at))) {
            event(
              'out_of_hours',
              actorKey,
              row,
              actor,
              `Personal data processed outside working hours (${operation ?? 'export'}, ${plural(n, 'record')})`,
              { operation: operation ?? 'export', count: n, timezone: set.timezone },
            );
          }
          if (isAccess && Array.isArray(details.categories) && details.categories.length > 0) {
            specials ??= await lookups.specialCategories();
            const special = [...specials];
            const touched = (details.categories as unknown[]).filter(
              (c): c is string =>
                typeof c === 'string' &&
                special.some((s) => s === c || s.startsWith(`${c}.`) || c.startsWith(`${s}.`)),
            );
            if (touched.length > 0) {
              event(
                'special_category_access',
                actorKey,
                row,
                actor,
                `Special-category data (${touched.join(', ')}) processed: ${operation ?? 'export'} of ${plural(n, 'record')}`,
                { categories: touched, operation: operation ?? 'export', count: n },
              );
            }
          }
          if (row.actor_type === 'token' && row.ip && row.actor_id) {
            const tokenId = row.actor_id;
            let known = tokenSets.get(tokenId);
            if (!known) {
              known = await lookups.tokenAddresses(tokenId);
              tokenSets.set(tokenId, known);
            }
            const digest = lookups.addressDigest(row.ip);
            if (!known.has(digest)) {
              const learning = known.size === 0;
              known.add(digest);
              effects.newAddresses.push({ tokenId, digest, at: row.at });
              if (!learning) {
                event(
                  'token_new_address',
                  actorKey,
                  row,
                  actor,
                  `API token used from a new client address (${plural(known.size - 1, 'address', 'addresses')} seen before)`,
                  { knownAddresses: known.size - 1, addressDigest: digest },
                  digest,
                );
              }
            }
          }
        }
        if (isExport || isRead) {
          await volume(
            'workspace_volume_spike',
            r.workspace_volume_spike,
            'workspace_read',
            '*',
            row,
            countOf(details),
            { type: 'workspace', id: null },
          );
        }

        if (
          row.action === 'user.update' &&
          typeof details.role === 'string' &&
          typeof details.previousRole === 'string' &&
          details.role !== details.previousRole &&
          row.resource_id
        ) {
          const next = await lookups.roleGrant(details.role);
          const prev = await lookups.roleGrant(details.previousRole);
          if (next && prev) {
            const added = [...next.permissions].filter((p) => !prev.permissions.has(p));
            const broader = (a: ReadonlySet<string>, b: ReadonlySet<string>) =>
              !b.has('*') && [...a].some((x) => !b.has(x));
            if (
              added.length > 0 ||
              broader(next.purposes, prev.purposes) ||
              broader(next.dataCategories, prev.dataCategories)
            ) {
              event(
                'privilege_escalation',
                `user:${row.resource_id}`,
                row,
                { type: 'user', id: row.resource_id },
                `A user was moved from role ${details.previousRole} to role ${details.role}, gaining ${plural(added.length, 'permission')}`,
                { role: details.role, previousRole: details.previousRole, addedPermissions: added },
              );
            }
          }
        }
        if (row.action === 'role.update' && Array.isArray(details.permissions) && row.resource_id) {
          const prev = await lookups.previousRolePermissions(row.resource_id, row.seq);
          if (prev) {
            const added = (details.permissions as unknown[]).filter(
              (p): p is string => typeof p === 'string' && !prev.includes(p),
            );
            if (added.length > 0) {
              const roleKey = typeof details.key === 'string' ? details.key : 'role';
              event(
                'privilege_escalation',
                `role:${row.resource_id}`,
                row,
                { type: 'role', id: row.resource_id },
                `Role ${roleKey} was given ${plural(added.length, 'more permission')}`,
                { role: roleKey, addedPermissions: added },
              );
            }
          }
        }
      }
      // Bounded memory under address spraying: windows that ended are forgotten.
      if (bursts.size > 10_000) {
        const last = rows[rows.length - 1];
        const horizon = last ? Date.parse(last.at) - 24 * hourMs : 0;
        for (const [k, list] of bursts) if ((list[list.length - 1]?.at ?? 0) < horizon) bursts.delete(k);
      }
      if (firedGroups.size > 10_000) firedGroups.clear();
      return effects;
    },
  };
}
