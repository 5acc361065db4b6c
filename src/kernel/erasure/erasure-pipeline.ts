import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Db } from '../../db/database.ts';
import { forUpdate } from '../../db/dialect.ts';
import type { Database } from '../../db/schema.ts';
import { AppError, isAppError } from '../../errors.ts';
import { appendAudit, type Actor } from '../audit/audit-log.ts';
import type { Clock } from '../clock.ts';
import type { FieldCipher } from '../crypto/field-cipher.ts';
import type { KeyService } from '../crypto/key-service.ts';
import { personAttributes, personBinding, personColumns } from '../people/person-fields.ts';
import { certificateRow, createCertificateSigner, type ErasureCertificate, type ErasureTrigger } from './erasure-certificate.ts';
import { decideKept, type KeptHolding, type PurposeFacts } from './erasure-exceptions.ts';
import type { ErasureStep } from './erasure-step.ts';
import { activeHoldIdsFor } from './legal-holds.ts';
import type { EraserRegistry, ErasureTarget } from './person-erasers.ts';
import { runErasureSteps } from './run-erasure-steps.ts';
import type { PrivacyEvents } from '../events/privacy-events.ts';
import type { SuppressionHash, SuppressionList } from './suppression-list.ts';

/** Who asked for the erasure, for the run record and the audit entry. */
export interface ErasureRequest {
  readonly workspaceId: string;
  readonly personId: string;
  readonly trigger: ErasureTrigger;
  readonly actor: Actor;
  readonly purpose?: string | null;
  readonly requestId?: string | null;
  readonly ip?: string | null;
}

export interface ErasurePipelineDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly keys: KeyService;
  readonly fieldCipher: FieldCipher;
  readonly suppression: SuppressionList;
  readonly erasers: EraserRegistry;
  /** Lawful basis, Art. 9 condition, legal-claims flag and retention of the workspace's purposes. */
  readonly purposeFacts: (db: Kysely<Database>, workspaceId: string) => Promise<readonly PurposeFacts[]>;
  /** Root of the certificate signing key. */
  readonly serverSecret: Buffer;
  /** Told `person.erased` in the transaction that issues the certificate (webhooks, Art. 19). */
  readonly events?: PrivacyEvents;
}

/** The one erasure pipeline (ARCHITECTURE invariant 5): admin deletion, erasure requests and retention use it. */
export interface ErasurePipeline {
  /**
   * Erases a person: claim, legal holds, Art. 17(3) exceptions, every registered eraser, the person's values (all
   * reversible, undone on failure), then blind-index rows, suppression entry, data key, certificate (irreversible).
   * Throws `NOT_FOUND`, `GONE` (already erased), `LEGAL_HOLD`, `CONFLICT` (another erasure is running) or the
   * failing step's error; every outcome is audited.
   */
  erasePerson(request: ErasureRequest): Promise<ErasureCertificate>;
  readonly erasers: EraserRegistry;
  /** Verifies a certificate's signature. */
  verifyCertificate(certificate: ErasureCertificate): boolean;
}

interface RunContext {
  readonly request: ErasureRequest;
  readonly target: ErasureTarget;
  suppressionHashes: SuppressionHash[];
  kept: KeptHolding[];
  readonly undo: Map<string, (trx: Kysely<Database>) => Promise<void>>;
  savedValues: Pick<Database['persons'], 'first_name' | 'last_name' | 'email' | 'phone' | 'version' | 'updated_at'> | null;
  keyId: string | null;
  certificate: ErasureCertificate | null;
}

/**
 * @example
 * const pipeline = createErasurePipeline({ db, clock, keys, fieldCipher, suppression, erasers, purposeFacts, serverSecret });
 * const certificate = await pipeline.erasePerson({ workspaceId, personId, trigger: 'admin_delete', actor });
 */
export function createErasurePipeline(deps: ErasurePipelineDeps): ErasurePipeline {
  const { db, clock } = deps;
  const kysely = db.kysely;
  const signer = createCertificateSigner(deps.serverSecret);
  const auditDeps = { dialect: db.dialect, clock };

  const builtinSteps = {
    claim: {
      name: 'claim',
      reversible: true,
      async run(trx, ctx) {
        const { workspaceId, personId, runId } = ctx.target;
        const row = await forUpdate(
          trx.selectFrom('persons').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', personId),
          db.dialect,
        ).executeTakeFirst();
        if (!row) throw new AppError('NOT_FOUND', { resource: 'person' });
        if (row.erased_at !== null) throw new AppError('GONE', { resource: 'person' });
        if (row.erasing_run_id !== null && row.erasing_run_id !== runId) {
          const other = await trx
            .selectFrom('erasure_runs')
            .select('status')
            .where('workspace_id', '=', workspaceId)
            .where('id', '=', row.erasing_run_id)
            .executeTakeFirst();
          if (other?.status === 'running') throw new AppError('CONFLICT', { detail: 'An erasure of this person is running' });
        }
        await trx.updateTable('persons').set({ erasing_run_id: runId }).where('workspace_id', '=', workspaceId).where('id', '=', personId).execute();
        // The identifiers the suppression entry needs, read while the key still exists (kept in memory only).
        const key = await deps.keys.findDataKey(trx, workspaceId, personId).catch((error: unknown) => {
          if (isAppError(error) && error.code === 'KEY_DESTROYED') return undefined;
          throw error;
        });
        if (key) {
          const plain = (attribute: 'email' | 'phone') => {
            const envelope = row[personColumns[attribute]];
            return envelope ? deps.fieldCipher.decrypt(key, envelope, personBinding(workspaceId, personId, attribute)) : null;
          };
          ctx.suppressionHashes = deps.suppression.hashes(workspaceId, { email: plain('email'), phone: plain('phone') });
        }
      },
      async undo(trx, ctx) {
        await trx
          .updateTable('persons')
          .set({ erasing_run_id: null })
          .where('workspace_id', '=', ctx.target.workspaceId)
          .where('id', '=', ctx.target.personId)
          .execute();
      },
    },
    legalHolds: {
      name: 'legal-holds',
      reversible: true,
      async run(trx, ctx) {
        const holds = await activeHoldIdsFor(trx, ctx.target.workspaceId, ctx.target.personId);
        if (holds.length > 0) throw new AppError('LEGAL_HOLD', { holds });
      },
    },
    exceptions: {
      name: 'exceptions',
      reversible: true,
      async run(trx, ctx) {
        const purposes = new Map((await deps.purposeFacts(trx, ctx.target.workspaceId)).map((p) => [p.key, p]));
        const kept: KeptHolding[] = [];
        for (const eraser of deps.erasers.list()) {
          if (!eraser.inventory) continue;
          const holdings = await eraser.inventory(trx, ctx.target);
          kept.push(...decideKept(eraser.name, holdings, purposes, ctx.target.at));
        }
        ctx.kept = kept;
        await trx
          .updateTable('erasure_runs')
          .set({ kept: JSON.stringify(kept) })
          .where('workspace_id', '=', ctx.target.workspaceId)
          .where('id', '=', ctx.target.runId)
          .execute();
      },
    },
    personValues: {
      name: 'person-values',
      reversible: true,
      async run(trx, ctx) {
        const { workspaceId, personId } = ctx.target;
        const row = await trx
          .selectFrom('persons')
          .select(['first_name', 'last_name', 'email', 'phone', 'version', 'updated_at'])
          .where('workspace_id', '=', workspaceId)
          .where('id', '=', personId)
          .executeTakeFirstOrThrow();
        ctx.savedValues = row;
        await trx
          .updateTable('persons')
          .set({ first_name: null, last_name: null, email: null, phone: null, version: row.version + 1, updated_at: ctx.target.at })
          .where('workspace_id', '=', workspaceId)
          .where('id', '=', personId)
          .execute();
      },
      async undo(trx, ctx) {
        if (!ctx.savedValues) return;
        await trx
          .updateTable('persons')
          .set(ctx.savedValues)
          .where('workspace_id', '=', ctx.target.workspaceId)
          .where('id', '=', ctx.target.personId)
          .execute();
      },
    },
    blindIndexes: {
      name: 'blind-indexes',
      reversible: false,
      async run(trx, ctx) {
        await trx
          .deleteFrom('person_blind_indexes')
          .where('person_id', '=', ctx.target.personId)
          .where('workspace_id', '=', ctx.target.workspaceId)
          .execute();
      },
    },
    suppressionEntry: {
      name: 'suppression',
      reversible: false,
      async run(trx, ctx) {
        await deps.suppression.add(trx, ctx.target.workspaceId, ctx.suppressionHashes, {
          reason: 'erased',
          at: ctx.target.at,
          runId: ctx.target.runId,
        });
      },
    },
    destroyKey: {
      name: 'destroy-key',
      reversible: false,
      async run(trx, ctx) {
        const destroyed = await deps.keys.destroyDataKey(trx, ctx.target.workspaceId, ctx.target.personId);
        ctx.keyId = destroyed?.keyId ?? null;
      },
    },
    certificate: {
      name: 'certificate',
      reversible: false,
      async run(trx, ctx) {
        const { workspaceId, personId, runId, pseudonym } = ctx.target;
        const issuedAt = clock.now().toISOString();
        const certificate = signer.sign({
          id: randomUUID(),
          runId,
          subjectPseudonym: pseudonym,
          trigger: ctx.request.trigger,
          scope: { entity: 'person', fields: [...personAttributes], erasers: deps.erasers.list().map((e) => e.name) },
          keyId: ctx.keyId,
          steps: steps().map((s) => s.name),
          kept: ctx.kept,
          issuedAt,
        });
        await trx.insertInto('erasure_certificates').values(certificateRow(workspaceId, certificate)).execute();
        await trx
          .updateTable('persons')
          .set({ erased_at: issuedAt, erasing_run_id: null })
          .where('workspace_id', '=', workspaceId)
          .where('id', '=', personId)
          .execute();
        await trx
          .updateTable('erasure_runs')
          .set({ status: 'completed', finished_at: issuedAt, certificate_id: certificate.id })
          .where('workspace_id', '=', workspaceId)
          .where('id', '=', runId)
          .execute();
        await appendAudit(trx, auditDeps, {
          workspaceId,
          actor: ctx.request.actor,
          action: 'person.erase',
          outcome: 'allowed',
          resourceType: 'erasure_certificate',
          resourceId: certificate.id,
          subjectPseudonym: pseudonym,
          purpose: ctx.request.purpose ?? null,
          requestId: ctx.request.requestId ?? null,
          ip: ctx.request.ip ?? null,
          details: { runId, trigger: ctx.request.trigger, keyId: ctx.keyId, steps: certificate.steps.length, kept: ctx.kept.length },
        });
        await deps.events?.emit(trx, {
          type: 'person.erased',
          workspaceId,
          subjectPseudonym: pseudonym,
          data: { certificateId: certificate.id, trigger: ctx.request.trigger, requestId: ctx.request.requestId ?? null, kept: ctx.kept.length },
        });
        ctx.certificate = certificate;
      },
    },
  } satisfies Record<string, ErasureStep<RunContext>>;

  function eraserSteps(reversible: boolean): ErasureStep<RunContext>[] {
    return deps.erasers
      .list()
      .filter((e) => (e.reversible ?? true) === reversible)
      .map((eraser) => ({
        name: `erase:${eraser.name}`,
        reversible,
        async run(trx, ctx) {
          const kept = ctx.kept.filter((k) => k.eraser === eraser.name);
          const outcome = await eraser.erase(trx, ctx.target, kept);
          if (outcome.undo) ctx.undo.set(eraser.name, outcome.undo);
        },
        async undo(trx, ctx) {
          await ctx.undo.get(eraser.name)?.(trx);
        },
      }));
  }

  function steps(): ErasureStep<RunContext>[] {
    const b = builtinSteps;
    return [
      b.claim,
      b.legalHolds,
      b.exceptions,
      ...eraserSteps(true),
      b.personValues,
      ...eraserSteps(false),
      b.blindIndexes,
      b.suppressionEntry,
      b.destroyKey,
      b.certificate,
    ];
  }

  return {
    erasers: deps.erasers,
    verifyCertificate: (c) => signer.verify(c),

    async erasePerson(request) {
      const { workspaceId, personId } = request;
      const person = await kysely
        .selectFrom('persons')
        .select(['pseudonym', 'erased_at'])
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', personId)
        .executeTakeFirst();
      if (!person) throw new AppError('NOT_FOUND', { resource: 'person' });
      if (person.erased_at !== null) throw new AppError('GONE', { resource: 'person' });
      const at = clock.now().toISOString();
      const runId = randomUUID();
      await kysely
        .insertInto('erasure_runs')
        .values({
          id: runId,
          workspace_id: workspaceId,
          person_id: personId,
          subject_pseudonym: person.pseudonym,
          trigger: request.trigger,
          status: 'running',
          steps: '[]',
          kept: '[]',
          error_code: null,
          actor_type: request.actor.type,
          actor_id: request.actor.id,
          started_at: at,
          finished_at: null,
          certificate_id: null,
        })
        .execute();
      const ctx: RunContext = {
        request,
        target: { workspaceId, personId, pseudonym: person.pseudonym, runId, at },
        suppressionHashes: [],
        kept: [],
        undo: new Map(),
        savedValues: null,
        keyId: null,
        certificate: null,
      };
      const outcome = await runErasureSteps({ db: kysely, clock }, { runId, workspaceId }, steps(), ctx);
      if (outcome.status === 'completed' && ctx.certificate) return ctx.certificate;
      const failure = outcome.status === 'completed' ? new AppError('INTERNAL') : outcome.error;
      const code = isAppError(failure) ? failure.code : 'INTERNAL';
      await kysely.transaction().execute((trx) =>
        appendAudit(trx, auditDeps, {
          workspaceId,
          actor: request.actor,
          action: 'person.erase',
          outcome: code === 'LEGAL_HOLD' ? 'denied' : 'failed',
          resourceType: 'erasure_run',
          resourceId: runId,
          subjectPseudonym: person.pseudonym,
          purpose: request.purpose ?? null,
          requestId: request.requestId ?? null,
          ip: request.ip ?? null,
          details: { code, status: outcome.status, failedStep: outcome.steps.find((s) => s.state === 'failed')?.name ?? null },
        }),
      );
      throw failure;
    },
  };
}
