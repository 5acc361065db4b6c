import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Db } from '../../db/database.ts';
import { forUpdate } from '../../db/dialect.ts';
import type { Database } from '../../db/schema.ts';
import { isAppError } from '../../errors.ts';
import type { Actor } from '../audit/audit-log.ts';
import type { Clock } from '../clock.ts';
import type { FieldCipher } from '../crypto/field-cipher.ts';
import { unwrapDataKey, wrappedKeyLength } from '../crypto/data-key-wrap.ts';
import type { DataKey, KeyService } from '../crypto/key-service.ts';
import { shredJournalFile } from '../crypto/shred-journal.ts';
import type { PrivacyEvents } from '../events/privacy-events.ts';
import { personAttributes, personBinding, personColumns } from '../people/person-fields.ts';
import { appendAuditBatch } from './append-audit-batch.ts';
import {
  createCertificateSigner,
  type ErasureCertificate,
  type ErasureTrigger,
} from './erasure-certificate.ts';
import { decideKept, type PurposeFacts } from './erasure-exceptions.ts';
import type { StepProgress } from './erasure-step.ts';
import { appendJournalLines } from './journal-lines.ts';
import { insertRows } from './insert-rows.ts';
import type { EraserRegistry, ErasureTarget, PersonEraser } from './person-erasers.ts';
import type { ErasureMode } from './set-wise-eraser.ts';
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
  /** Its KEK ring unwraps each person's key once per batch; its cache is cleared of the destroyed keys. */
  readonly keys: Pick<KeyService, 'ring' | 'forget'>;
  readonly fieldCipher: FieldCipher;
  readonly suppression: Pick<SuppressionList, 'hashes'>;
  /**
   * The pipeline's registry: every registered eraser runs for every person of the batch, through its set-wise form
   * (`eraseMany`) when it declares one, else once per person inside the batch transaction.
   */
  readonly erasers: EraserRegistry;
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

/** Ids per `in (…)` list: under both databases' bind-parameter limits. */
const idsPerList = 1000;

const suppressionColumns = ['workspace_id', 'kind', 'hash', 'reason', 'created_at', 'run_id'] as const;
const certificateColumns = [
  'id',
  'workspace_id',
  'run_id',
  'subject_pseudonym',
  'trigger',
  'scope',
  'key_id',
  'steps',
  'kept',
  'issued_at',
  'signature',
] as const;
const runColumns = [
  'id',
  'workspace_id',
  'person_id',
  'subject_pseudonym',
  'trigger',
  'status',
  'steps',
  'kept',
  'error_code',
  'actor_type',
  'actor_id',
  'started_at',
  'finished_at',
  'certificate_id',
] as const;

/**
 * The batched entry point of the one erasure pipeline (ARCHITECTURE invariant 5), for retention sweeps: the same
 * steps and the same per-person evidence as `erasePerson`, run set-wise. Persons under a legal hold are left alone
 * and reported; persons an Art. 17(3) exception partly keeps are reported for the per-person pipeline.
 *
 * Set-based throughout (ADR 0030): one select per table to claim and read keys, each data key unwrapped once and
 * handed to the erasers, one statement per table per eraser, multi-row inserts of the evidence (suppression entries,
 * certificates, run records, audit entries) through statements reused from batch to batch, one append and one fsync
 * per journal file, one update of the person rows.
 *
 * @example
 * const batch = createBatchErasure({ db, clock, keys, fieldCipher, suppression, erasers, purposeFacts, serverSecret, journalDir });
 * const result = await batch.erasePeople({ workspaceId, personIds, trigger: 'retention', mode: 'anonymise', actor: { type: 'system', id: 'retention' } });
 */
export function createBatchErasure(deps: BatchErasureDeps): BatchErasure {
  const { db, clock } = deps;
  const dialect = db.dialect;
  const signer = createCertificateSigner(deps.serverSecret);
  const auditDeps = { dialect, clock };
  const ws = workspaceFilter(dialect);

  return {
    async erasePeople(request) {
      const { workspaceId, mode } = request;
      // In id order: consecutive ids share index pages, so the batch writes fewer of them.
      const ids = [...new Set(request.personIds)].sort();
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
              dialect,
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

        // Data keys: one select, each live key unwrapped once, handed to the erasers, never stored.
        const keyRows: {
          id: string;
          person_id: string;
          key_version: number;
          kek_version: number;
          wrapped_key: Uint8Array;
          destroyed_at: string | null;
        }[] = [];
        for (const part of chunk(liveIds, idsPerList)) {
          keyRows.push(
            ...(await trx
              .selectFrom('person_keys')
              .select(['id', 'person_id', 'key_version', 'kek_version', 'wrapped_key', 'destroyed_at'])
              .where('workspace_id', '=', workspaceId)
              .where('person_id', 'in', part)
              .execute()),
          );
        }
        const dataKeys = new Map<string, DataKey>();
        for (const k of keyRows) {
          if (k.destroyed_at !== null) continue;
          const key = unwrapDataKey(deps.keys.ring.get(k.kek_version), k.wrapped_key, {
            workspaceId,
            personId: k.person_id,
            keyId: k.id,
            keyVersion: k.key_version,
            kekVersion: k.kek_version,
          });
          dataKeys.set(k.person_id, { keyId: k.id, version: k.key_version, key });
        }

        // Suppression hashes of the primary identifiers, read while the keys exist (in memory only): email and
        // phone are the only values decrypted.
        const suppress: { runId: string; hashes: readonly SuppressionHash[] }[] = [];
        for (const r of live) {
          const key = dataKeys.get(r.id);
          if (!key) continue;
          const plain = (attribute: 'email' | 'phone') => {
            const envelope = r[personColumns[attribute]];
            return envelope
              ? deps.fieldCipher.decrypt(key, envelope, personBinding(workspaceId, r.id, attribute))
              : null;
          };
          suppress.push({
            runId: runIds.get(r.id) as string,
            hashes: deps.suppression.hashes(workspaceId, { email: plain('email'), phone: plain('phone') }),
          });
        }

        // Every registered eraser: reversible ones, the person's values, then the irreversible ones.
        const stepNames: string[] = ['claim', 'legal-holds', 'exceptions'];
        const options = { mode, keys: dataKeys, dialect };
        const runEraser = async (eraser: PersonEraser) => {
          if (eraser.eraseMany) {
            for (const part of chunk(targets, idsPerList)) {
              const outcome = await eraser.eraseMany(trx, part, options);
              if (outcome?.suppress) suppress.push(...outcome.suppress);
            }
            stepNames.push(`${mode === 'anonymise' && eraser.anonymises ? 'anonymise' : 'erase'}:${eraser.name}`);
          } else {
            for (const t of targets) await eraser.erase(trx, t, []);
            stepNames.push(`erase:${eraser.name}`);
          }
        };
        for (const e of erasers.filter((x) => x.reversible ?? true)) await runEraser(e);
        // The values themselves are nulled by the one update of the person rows below (same transaction).
        stepNames.push('person-values');
        for (const e of erasers.filter((x) => !(x.reversible ?? true))) await runEraser(e);

        // blind indexes
        for (const part of chunk(liveIds, idsPerList)) {
          await trx
            .deleteFrom('person_blind_indexes')
            .where(ws, '=', workspaceId)
            .where('person_id', 'in', part)
            .execute();
        }
        stepNames.push('blind-indexes');

        // suppression entries (primary identifiers and those the erasers handed back): journalled first, one
        // append and one fsync, then inserted in multi-row statements
        const entries = suppress.flatMap((s) => s.hashes.map((h) => ({ kind: h.kind, hash: h.hash, runId: s.runId })));
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
        await insertRows(
          trx,
          dialect,
          'suppressions',
          suppressionColumns,
          entries.map((e) => [workspaceId, e.kind, e.hash, 'erased', at, e.runId]),
          { onConflictDoNothing: ['workspace_id', 'kind', 'hash'] },
        );
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
        const zeros = Buffer.alloc(wrappedKeyLength);
        for (const part of chunk(
          toDestroy.map((k) => k.id),
          idsPerList,
        )) {
          await trx
            .updateTable('person_keys')
            .set({ wrapped_key: zeros, destroyed_at: at })
            .where('workspace_id', '=', workspaceId)
            .where('id', 'in', part)
            .execute();
        }
        for (const k of toDestroy) deps.keys.forget(workspaceId, k.person_id);
        dataKeys.clear();
        stepNames.push('destroy-key', 'certificate');
        const keyIdOf = new Map(keyRows.map((k) => [k.person_id, k.id]));

        // one certificate, one completed run record, one audit entry and one event per person
        const scope = {
          entity: 'person' as const,
          fields: [...personAttributes],
          erasers: erasers.map((e) => e.name),
        };
        const certificates: ErasureCertificate[] = signer.signMany(
          { trigger: request.trigger, scope, steps: stepNames, kept: [], issuedAt: at },
          targets.map((t) => ({
            id: randomUUID(),
            runId: t.runId,
            subjectPseudonym: t.pseudonym,
            keyId: keyIdOf.get(t.personId) ?? null,
          })),
        );
        const scopeJson = JSON.stringify(scope);
        const stepsJson = JSON.stringify(stepNames);
        await insertRows(
          trx,
          dialect,
          'erasure_certificates',
          certificateColumns,
          certificates.map((c) => [
            c.id,
            workspaceId,
            c.runId,
            c.subjectPseudonym,
            c.trigger,
            scopeJson,
            c.keyId,
            stepsJson,
            '[]',
            c.issuedAt,
            c.signature,
          ]),
        );
        const progress: StepProgress[] = stepNames.map((name) => ({
          name,
          reversible: !isIrreversible(name, erasers),
          state: 'done',
          at,
        }));
        const progressJson = JSON.stringify(progress);
        await insertRows(
          trx,
          dialect,
          'erasure_runs',
          runColumns,
          certificates.map((c, i) => [
            c.runId,
            workspaceId,
            (targets[i] as ErasureTarget).personId,
            c.subjectPseudonym,
            request.trigger,
            'completed',
            progressJson,
            '[]',
            null,
            request.actor.type,
            request.actor.id,
            at,
            at,
            c.id,
          ]),
        );
        // The person rows: values gone (step person-values), version moved once, erased.
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
              erased_at: at,
              erasing_run_id: null,
            }))
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
