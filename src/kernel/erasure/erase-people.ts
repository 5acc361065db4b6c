import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Db } from '../../db/database.ts';
import { forUpdate } from '../../db/dialect.ts';
import type { Database } from '../../db/schema.ts';
import { isAppError } from '../../errors.ts';
import type { Actor } from '../audit/audit-log.ts';
import type { Clock } from '../clock.ts';
import { wrappedKeyLength } from '../crypto/data-key-wrap.ts';
import type { FieldCipher } from '../crypto/field-cipher.ts';
import type { KeyService } from '../crypto/key-service.ts';
import { shredJournalFile } from '../crypto/shred-journal.ts';
import type { PrivacyEvents } from '../events/privacy-events.ts';
import { personAttributes, personBinding, personColumns } from '../people/person-fields.ts';
import { appendAuditBatch } from './append-audit-batch.ts';
import {
  certificateRow,
  createCertificateSigner,
  type ErasureCertificate,
  type ErasureTrigger,
} from './erasure-certificate.ts';
import { decideKept, type PurposeFacts } from './erasure-exceptions.ts';
import type { StepProgress } from './erasure-step.ts';
import { appendJournalLines } from './journal-lines.ts';
import type { EraserRegistry, ErasureTarget } from './person-erasers.ts';
import type { ErasureMode, SetWiseEraser } from './set-wise-eraser.ts';
import { suppressionJournalFile } from './suppression-journal.ts';
import { workspaceFilter } from './workspace-filter.ts';
import type { SuppressionHash, SuppressionList } from './suppression-list.ts';

/** One batch: persons of one workspace, erased or anonymised together in one transaction. */
export interface BatchErasureRequest {
  readonly workspaceId: string;
  readonly personIds: readonly string[];
  readonly trigger: ErasureTrigger;
  readonly mode: ErasureMode;
  readonly actor: Actor;
  readonly purpose?: string | null;
  readonly requestId?: string | null;
}

/** What happened to each person of the batch. Ids and pseudonyms only. */
export interface BatchErasureResult {
  /** Erased or anonymised here, one certificate each. */
  readonly done: { readonly personId: string; readonly pseudonym: string; readonly certificateId: string }[];
  /** Under an active legal hold: untouched. */
  readonly blocked: { readonly personId: string; readonly holdIds: string[] }[];
  /**
   * Holding data an Art. 17(3) exception keeps: left out of the batch, for the per-person pipeline (which erases the
   * rest and keeps, with the reason on the certificate, what the exception covers).
   */
  readonly excepted: string[];
  /** Unknown, already erased, or being erased by another run: untouched. */
  readonly skipped: { readonly personId: string; readonly code: 'NOT_FOUND' | 'GONE' | 'CONFLICT' }[];
}

export interface BatchErasureDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly keys: KeyService;
  readonly fieldCipher: FieldCipher;
  readonly suppression: Pick<SuppressionList, 'hashes'>;
  /** The pipeline's registry: every registered eraser runs for every person of the batch. */
  readonly erasers: EraserRegistry;
  /** Set-wise forms of registered erasers, by name; the others run once per person inside the batch transaction. */
  readonly setWise: ReadonlyMap<string, SetWiseEraser>;
  readonly purposeFacts: (db: Kysely<Database>, workspaceId: string) => Promise<readonly PurposeFacts[]>;
  readonly serverSecret: Buffer;
  /** The keys folder: shred and suppression journals (one fsync per batch). Absent: no journal (tests only). */
  readonly journalDir?: string;
  readonly events?: PrivacyEvents;
}

export interface BatchErasure {
  /**
   * Erases (mode `delete`) or anonymises a batch of persons in ONE transaction with the pipeline's steps run set-wise:
   * claim, legal holds, Art. 17(3) exceptions, every registered eraser, values, blind indexes, suppression entries,
   * data keys, then one signed certificate, one `erasure_runs` row, one audit entry and one privacy event per person.
   * Either the whole batch commits or nothing does (the caller retries smaller batches to isolate a failure).
   */
  erasePeople(request: BatchErasureRequest): Promise<BatchErasureResult>;
}

const chunk = <T>(list: readonly T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
};

/** Ids per `in (…)` list and rows per multi-row insert: under both databases' bind-parameter limits. */
const idsPerList = 1000;
const rowsPerInsert = 500;

/**
 * The batched entry point of the one erasure pipeline (ARCHITECTURE invariant 5), for retention sweeps: the same
 * steps and the same per-person evidence as `erasePerson`, run set-wise. Persons under a legal hold are left alone
 * and reported; persons an Art. 17(3) exception partly keeps are reported for the per-person pipeline.
 *
 * @example
 * const batch = createBatchErasure({ db, clock, keys, fieldCipher, suppression, erasers, setWise, purposeFacts, serverSecret, journalDir });
 * const result = await batch.erasePeople({ workspaceId, personIds, trigger: 'retention', mode: 'anonymise', actor: { type: 'system', id: 'retention' } });
 */
export function createBatchErasure(deps: BatchErasureDeps): BatchErasure {
  const { db, clock } = deps;
  const signer = createCertificateSigner(deps.serverSecret);
  const auditDeps = { dialect: db.dialect, clock };
  const ws = workspaceFilter(db.dialect);

  return {
    async erasePeople(request) {
      const { workspaceId, mode } = request;
      const ids = [...new Set(request.personIds)];
      const result: { -readonly [K in keyof BatchErasureResult]: BatchErasureResult[K] } = {
        done: [],
        blocked: [],
        excepted: [],
        skipped: [],
      };
      if (ids.length === 0) return result;
      const at = clock.now().toISOString();
      const erasers = deps.erasers.list();
      const withInventory = erasers.filter((e) => e.inventory);

      await db.kysely.transaction().execute(async (trx) => {
        // claim
        const rows: Pick<
          Database['persons'],
          'id' | 'pseudonym' | 'email' | 'phone' | 'erased_at' | 'erasing_run_id'
        >[] = [];
        for (const part of chunk(ids, idsPerList)) {
          rows.push(
            ...(await forUpdate(
              trx
                .selectFrom('persons')
                .select(['id', 'pseudonym', 'email', 'phone', 'erased_at', 'erasing_run_id'])
                .where(ws, '=', workspaceId)
                .where('id', 'in', part),
              db.dialect,
            ).execute()),
          );
        }
        const byId = new Map(rows.map((r) => [r.id, r]));
        let live: typeof rows = [];
        for (const id of ids) {
          const row = byId.get(id);
          if (!row) result.skipped.push({ personId: id, code: 'NOT_FOUND' });
          else if (row.erased_at !== null) result.skipped.push({ personId: id, code: 'GONE' });
          else if (row.erasing_run_id !== null) result.skipped.push({ personId: id, code: 'CONFLICT' });
          else live.push(row);
        }

        // legal holds (direct or through a matter)
        const holds = new Map<string, Set<string>>();
        for (const part of chunk(
          live.map((r) => r.id),
          idsPerList,
        )) {
          const direct = await trx
            .selectFrom('legal_holds')
            .select(['id', 'person_id'])
            .where('workspace_id', '=', workspaceId)
            .where('released_at', 'is', null)
            .where('person_id', 'in', part)
            .execute();
          const viaMatter = await trx
            .selectFrom('legal_hold_persons as m')
            .innerJoin('legal_holds as h', 'h.id', 'm.hold_id')
            .select(['h.id', 'm.person_id'])
            .where('m.workspace_id', '=', workspaceId)
            .where('h.workspace_id', '=', workspaceId)
            .where('h.released_at', 'is', null)
            .where('m.person_id', 'in', part)
            .execute();
          for (const h of [...direct, ...viaMatter]) {
            if (h.person_id === null) continue;
            holds.set(h.person_id, (holds.get(h.person_id) ?? new Set()).add(h.id));
          }
        }
        live = live.filter((r) => {
          const held = holds.get(r.id);
          if (held) result.blocked.push({ personId: r.id, holdIds: [...held].sort() });
          return !held;
        });

        // Art. 17(3) exceptions: a person with something to keep goes to the per-person pipeline.
        const runIds = new Map(live.map((r) => [r.id, randomUUID()]));
        const targetOf = (r: (typeof rows)[number]): ErasureTarget => ({
          workspaceId,
          personId: r.id,
          pseudonym: r.pseudonym,
          runId: runIds.get(r.id) as string,
          at,
        });
        if (withInventory.length > 0 && live.length > 0) {
          const purposes = new Map((await deps.purposeFacts(trx, workspaceId)).map((p) => [p.key, p]));
          const excepted = new Set<string>();
          for (const r of live) {
            for (const eraser of withInventory) {
              const holdings = await eraser.inventory?.(trx, targetOf(r));
              if (holdings && decideKept(eraser.name, holdings, purposes, at).length > 0) excepted.add(r.id);
            }
          }
          live = live.filter((r) => !excepted.has(r.id));
          result.excepted.push(...[...excepted]);
        }
        if (live.length === 0) return;
        const targets = live.map(targetOf);
        const liveIds = live.map((r) => r.id);

        // Suppression hashes of the primary identifiers, read while the keys exist (in memory only).
        const suppressionHashes: { runId: string; hashes: SuppressionHash[] }[] = [];
        const keyRows: { id: string; person_id: string; destroyed_at: string | null }[] = [];
        for (const part of chunk(liveIds, idsPerList)) {
          keyRows.push(
            ...(await trx
              .selectFrom('person_keys')
              .select(['id', 'person_id', 'destroyed_at'])
              .where('workspace_id', '=', workspaceId)
              .where('person_id', 'in', part)
              .execute()),
          );
        }
        const withKey = keyRows.filter((k) => k.destroyed_at === null).map((k) => k.person_id);
        const dataKeys =
          withKey.length > 0 ? await deps.keys.getDataKeys(trx, workspaceId, withKey) : new Map();
        for (const r of live) {
          const key = dataKeys.get(r.id);
          if (!key) continue;
          const plain = (attribute: 'email' | 'phone') => {
            const envelope = r[personColumns[attribute]];
            return envelope
              ? deps.fieldCipher.decrypt(key, envelope, personBinding(workspaceId, r.id, attribute))
              : null;
          };
          suppressionHashes.push({
            runId: runIds.get(r.id) as string,
            hashes: deps.suppression.hashes(workspaceId, { email: plain('email'), phone: plain('phone') }),
          });
        }

        // Every registered eraser: reversible ones, the person's values, then the irreversible ones.
        const stepNames: string[] = ['claim', 'legal-holds', 'exceptions'];
        const runEraser = async (name: string) => {
          const eraser = erasers.find((e) => e.name === name);
          const setWise = deps.setWise.get(name);
          if (setWise) {
            for (const part of chunk(targets, idsPerList)) await setWise.eraseMany(trx, part, { mode });
            stepNames.push(`${mode === 'anonymise' && setWise.anonymises ? 'anonymise' : 'erase'}:${name}`);
          } else if (eraser) {
            for (const t of targets) await eraser.erase(trx, t, []);
            stepNames.push(`erase:${name}`);
          }
        };
        for (const e of erasers.filter((x) => x.reversible ?? true)) await runEraser(e.name);
        for (const part of chunk(liveIds, idsPerList)) {
          await trx
            .updateTable('persons')
            .set((eb) => ({
              first_name: null,
              last_name: null,
              email: null,
              phone: null,
              version: eb('version', '+', 1),
              updated_at: at,
            }))
            .where(ws, '=', workspaceId)
            .where('id', 'in', part)
            .execute();
        }
        stepNames.push('person-values');
        for (const e of erasers.filter((x) => !(x.reversible ?? true))) await runEraser(e.name);

        // blind indexes
        for (const part of chunk(liveIds, idsPerList)) {
          await trx
            .deleteFrom('person_blind_indexes')
            .where(ws, '=', workspaceId)
            .where('person_id', 'in', part)
            .execute();
        }
        stepNames.push('blind-indexes');

        // suppression entries: journalled first (one fsync), then inserted
        const entries = suppressionHashes.flatMap((s) => s.hashes.map((h) => ({ ...h, runId: s.runId })));
        if (deps.journalDir) {
          appendJournalLines(
            deps.journalDir,
            suppressionJournalFile,
            entries.map((e) => ({
              workspaceId,
              kind: e.kind,
              hash: e.hash.toString('hex'),
              reason: 'erased',
              at,
              runId: e.runId,
            })),
          );
        }
        for (const part of chunk(entries, rowsPerInsert)) {
          await trx
            .insertInto('suppressions')
            .values(
              part.map((e) => ({
                workspace_id: workspaceId,
                kind: e.kind,
                hash: e.hash,
                reason: 'erased',
                created_at: at,
                run_id: e.runId,
              })),
            )
            .onConflict((oc) => oc.columns(['workspace_id', 'kind', 'hash']).doNothing())
            .execute();
        }
        stepNames.push('suppression');

        // data keys: shred journal first (write-ahead, one fsync), then overwritten
        const toDestroy = keyRows.filter((k) => k.destroyed_at === null);
        if (deps.journalDir) {
          appendJournalLines(
            deps.journalDir,
            shredJournalFile,
            toDestroy.map((k) => ({ workspaceId, personId: k.person_id, keyId: k.id, destroyedAt: at })),
          );
        }
        for (const k of toDestroy) deps.keys.forget(workspaceId, k.person_id);
        for (const part of chunk(
          toDestroy.map((k) => k.id),
          idsPerList,
        )) {
          await trx
            .updateTable('person_keys')
            .set({ wrapped_key: Buffer.alloc(wrappedKeyLength), destroyed_at: at })
            .where('workspace_id', '=', workspaceId)
            .where('id', 'in', part)
            .execute();
        }
        for (const k of toDestroy) deps.keys.forget(workspaceId, k.person_id);
        stepNames.push('destroy-key', 'certificate');
        const keyIdOf = new Map(keyRows.map((k) => [k.person_id, k.id]));

        // one certificate, one completed run record, one audit entry and one event per person
        const scope = {
          entity: 'person' as const,
          fields: [...personAttributes],
          erasers: erasers.map((e) => e.name),
        };
        const progress: StepProgress[] = stepNames.map((name) => ({
          name,
          reversible: !isIrreversible(name, erasers),
          state: 'done',
          at,
        }));
        const certificates: ErasureCertificate[] = targets.map((t) =>
          signer.sign({
            id: randomUUID(),
            runId: t.runId,
            subjectPseudonym: t.pseudonym,
            trigger: request.trigger,
            scope,
            keyId: keyIdOf.get(t.personId) ?? null,
            steps: stepNames,
            kept: [],
            issuedAt: at,
          }),
        );
        for (const part of chunk(certificates, rowsPerInsert)) {
          await trx
            .insertInto('erasure_certificates')
            .values(part.map((c) => certificateRow(workspaceId, c)))
            .execute();
        }
        const steps = JSON.stringify(progress);
        const personOfRun = new Map(targets.map((t) => [t.runId, t.personId]));
        for (const part of chunk(certificates, rowsPerInsert)) {
          await trx
            .insertInto('erasure_runs')
            .values(
              part.map((c) => ({
                id: c.runId,
                workspace_id: workspaceId,
                person_id: personOfRun.get(c.runId) as string,
                subject_pseudonym: c.subjectPseudonym,
                trigger: request.trigger,
                status: 'completed',
                steps,
                kept: '[]',
                error_code: null,
                actor_type: request.actor.type,
                actor_id: request.actor.id,
                started_at: at,
                finished_at: at,
                certificate_id: c.id,
              })),
            )
            .execute();
        }
        for (const part of chunk(liveIds, idsPerList)) {
          await trx
            .updateTable('persons')
            .set({ erased_at: at, erasing_run_id: null })
            .where(ws, '=', workspaceId)
            .where('id', 'in', part)
            .execute();
        }
        const action = mode === 'anonymise' ? 'person.anonymise' : 'person.erase';
        await appendAuditBatch(
          trx,
          auditDeps,
          certificates.map((c, i) => ({
            workspaceId,
            actor: request.actor,
            action,
            outcome: 'allowed' as const,
            resourceType: 'erasure_certificate',
            resourceId: c.id,
            subjectPseudonym: c.subjectPseudonym,
            purpose: request.purpose ?? null,
            requestId: request.requestId ?? null,
            details: {
              runId: c.runId,
              trigger: request.trigger,
              mode,
              keyId: c.keyId,
              steps: c.steps.length,
              kept: 0,
              batch: certificates.length,
              position: i,
            },
          })),
        );
        for (const c of certificates) {
          await deps.events?.emit(trx, {
            type: mode === 'anonymise' ? 'person.anonymised' : 'person.erased',
            workspaceId,
            subjectPseudonym: c.subjectPseudonym,
            data: {
              certificateId: c.id,
              trigger: request.trigger,
              requestId: request.requestId ?? null,
              kept: 0,
            },
          });
        }
        result.done.push(
          ...targets.map((t, i) => ({
            personId: t.personId,
            pseudonym: t.pseudonym,
            certificateId: (certificates[i] as ErasureCertificate).id,
          })),
        );
      });
      return result;
    },
  };
}

function isIrreversible(step: string, erasers: readonly { name: string; reversible?: boolean }[]): boolean {
  if (['blind-indexes', 'suppression', 'destroy-key', 'certificate'].includes(step)) return true;
  const name = step.replace(/^(erase|anonymise):/, '');
  return step !== name && erasers.some((e) => e.name === name && e.reversible === false);
}

/** True when `error` is an AppError (the batch caller maps it to a failure code). */
export function batchFailureCode(error: unknown): string {
  return isAppError(error) ? error.code : 'INTERNAL';
}
