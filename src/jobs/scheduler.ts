import type { Db } from '../db/database.ts';
import { isAppError } from '../errors.ts';
import type { Clock } from '../kernel/clock.ts';

/** Something to run periodically, once per period across every server process. */
export interface Job {
  /** Stable name; also the lease key. */
  readonly name: string;
  /** Period length. Periods are aligned on the epoch, so every process agrees on where one starts. */
  readonly intervalMs: number;
  readonly run: () => Promise<void>;
}

/** What one tick did for one job. */
export interface TickResult {
  readonly name: string;
  /** `ran`: this process held the lease and ran it; `leased-elsewhere`: another holder has this period. */
  readonly status: 'ran' | 'failed' | 'leased-elsewhere';
}

export interface Scheduler {
  /** Runs every job whose period has not been claimed yet. Tests call it with a fixed clock. */
  tick(): Promise<TickResult[]>;
  /** Ticks every `pollMs` (default 1 s) with a timer that does not keep the process alive. */
  start(pollMs?: number): void;
  /** Stops the timer and waits for a running tick. */
  stop(): Promise<void>;
}

export interface SchedulerDeps {
  readonly db: Db;
  readonly clock: Clock;
  /** Unique per process (host, pid, random). */
  readonly holderId: string;
  readonly jobs: readonly Job[];
  /** Told about failed runs (never the error text to an audit entry: it may hold anything). */
  readonly onError?: (job: string, error: unknown) => void;
}

const epoch = new Date(0).toISOString();

/**
 * A scheduler whose runs take a lease in `job_leases`, so that with several processes on one database each period
 * of a job runs once. Claiming is one conditional UPDATE (after an insert-if-absent of the lease row): it sets the
 * lease to expire at the end of the current period only if the lease has already expired, and only the process whose
 * UPDATE changed a row runs the job. On PostgreSQL the second UPDATE waits for the first and then finds the
 * condition false; on SQLite writes are serialised. Each run is recorded in `job_runs`.
 *
 * @example
 * const scheduler = createScheduler({ db, clock, holderId: `${hostname()}:${process.pid}`, jobs: [checkpointJob] });
 * scheduler.start();
 * // on shutdown
 * await scheduler.stop();
 */
export function createScheduler(deps: SchedulerDeps): Scheduler {
  const { db, clock, holderId, jobs } = deps;
  const claimedPeriod = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<TickResult[]> | undefined;
  let busy = false;

  async function claim(job: Job, now: Date, periodEnd: Date): Promise<boolean> {
    await db.kysely
      .insertInto('job_leases')
      .values({ name: job.name, holder: null, expires_at: epoch })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    const result = await db.kysely
      .updateTable('job_leases')
      .set({ holder: holderId, expires_at: periodEnd.toISOString() })
      .where('name', '=', job.name)
      .where('expires_at', '<=', now.toISOString())
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async function runOne(job: Job): Promise<TickResult | undefined> {
    const now = clock.now();
    const period = Math.floor(now.getTime() / job.intervalMs);
    if (claimedPeriod.get(job.name) === period) return undefined;
    const periodEnd = new Date((period + 1) * job.intervalMs);
    const won = await claim(job, now, periodEnd);
    claimedPeriod.set(job.name, period);
    if (!won) return { name: job.name, status: 'leased-elsewhere' };
    const inserted = await db.kysely
      .insertInto('job_runs')
      .values({ name: job.name, holder: holderId, started_at: now.toISOString(), finished_at: null, outcome: 'running', details: '{}' })
      .returning('id')
      .executeTakeFirstOrThrow();
    let outcome: 'succeeded' | 'failed' = 'succeeded';
    let details = {};
    try {
      await job.run();
    } catch (error) {
      outcome = 'failed';
      // A code or an error class name, never a message: messages may carry data.
      details = { error: isAppError(error) ? error.code : error instanceof Error ? error.name : 'unknown' };
      deps.onError?.(job.name, error);
    }
    await db.kysely
      .updateTable('job_runs')
      .set({ finished_at: clock.now().toISOString(), outcome, details: JSON.stringify(details) })
      .where('id', '=', inserted.id)
      .execute();
    return { name: job.name, status: outcome === 'succeeded' ? 'ran' : 'failed' };
  }

  async function tickOnce(): Promise<TickResult[]> {
    const results: TickResult[] = [];
    for (const job of jobs) {
      try {
        const result = await runOne(job);
        if (result) results.push(result);
      } catch (error) {
        // The lease itself failed (database down): try again next tick.
        deps.onError?.(job.name, error);
      }
    }
    return results;
  }

  function tick(): Promise<TickResult[]> {
    // Ticks never overlap inside one process.
    const next = (running ?? Promise.resolve([]))
      .catch(() => [])
      .then(async () => {
        busy = true;
        try {
          return await tickOnce();
        } finally {
          busy = false;
        }
      });
    running = next;
    return next;
  }

  return {
    tick,
    start(pollMs = 1000) {
      if (timer) return;
      timer = setInterval(() => {
        if (!busy) void tick();
      }, pollMs);
      timer.unref();
      void tick();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running?.catch(() => undefined);
    },
  };
}
