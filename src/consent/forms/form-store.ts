import { createHash, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DialectName } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { appendAudit } from '../../kernel/audit/audit-log.ts';
import type { Catalogue } from '../../kernel/catalogue/create-catalogue.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { ActorContext } from '../../kernel/gate/processing-context.ts';
import type { PurposeRegister } from '../../kernel/purposes/purpose-register.ts';
import type { ConsentCore } from './consent-core-ports.ts';
import { ensureConsentRecordsPurpose } from './consent-records-purpose.ts';
import { buildFormDefinition } from './build-form-definition.ts';
import type { FormDefinition, FormInput, FormView } from './form-types.ts';

/** A form version as the public side reads it. */
export interface PublishedForm {
  readonly id: string;
  readonly workspaceId: string;
  readonly version: number;
  readonly definition: FormDefinition;
}

export interface FormStore {
  /** Creates a form at version 1 (validated against the purposes, notices and catalogue). */
  create(db: Kysely<Database>, ctx: ActorContext, input: FormInput): Promise<FormView>;
  /** A new immutable version; `PRECONDITION_FAILED` when `expectedVersion` is not the current one. */
  update(db: Kysely<Database>, ctx: ActorContext, formId: string, expectedVersion: number, input: FormInput): Promise<FormView>;
  list(db: Kysely<Database>, workspaceId: string, page: { readonly after?: string | undefined; readonly limit: number }): Promise<{ items: FormView[]; nextCursor: string | null }>;
  /** `NOT_FOUND` for an unknown id or another workspace's. */
  getOrThrow(db: Kysely<Database>, workspaceId: string, formId: string): Promise<FormView>;
  /** The current version of a form for the public side (any workspace: the id is the key), or undefined. */
  findPublished(db: Kysely<Database>, formId: string): Promise<PublishedForm | undefined>;
  /** A given version (evidence of past submissions). */
  findVersion(db: Kysely<Database>, workspaceId: string, formId: string, version: number): Promise<PublishedForm | undefined>;
  /** Counts a submission that recorded something. */
  countSubmission(db: Kysely<Database>, workspaceId: string, formId: string): Promise<void>;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function digestOf(definition: FormDefinition): string {
  return createHash('sha256').update(JSON.stringify(definition)).digest('hex');
}

/**
 * Consent forms: each save is a new immutable version (evidence names form id and version), audited without values.
 *
 * @example
 * const forms = createFormStore({ dialect, clock, purposes, catalogue, core });
 * const form = await forms.create(db, ctx, { name: 'Newsletter', title: 'Our newsletter', language: 'en',
 *   purposes: [{ key: 'email_marketing', label: 'Send me the newsletter' }], fields: [{ name: 'email' }] });
 */
export function createFormStore(deps: {
  readonly dialect: DialectName;
  readonly clock: Clock;
  readonly purposes: PurposeRegister;
  readonly catalogue: Pick<Catalogue, 'assertDeclared'>;
  readonly notices: ConsentCore['notices'];
}): FormStore {
  const toView = (row: Database['consent_forms'], version: Database['consent_form_versions']): FormView => ({
    id: row.id,
    name: row.name,
    version: version.version,
    submissions: row.submissions,
    definition: JSON.parse(version.definition) as FormDefinition,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
  const loadVersion = (db: Kysely<Database>, formId: string, version: number) =>
    db.selectFrom('consent_form_versions').selectAll().where('form_id', '=', formId).where('version', '=', version).executeTakeFirst();

  async function insertVersion(trx: Kysely<Database>, ctx: ActorContext, formId: string, version: number, definition: FormDefinition, at: string) {
    const row: Database['consent_form_versions'] = {
      workspace_id: ctx.workspaceId,
      form_id: formId,
      version,
      definition: JSON.stringify(definition),
      digest: digestOf(definition),
      created_at: at,
      actor_type: ctx.actor.type,
      actor_id: ctx.actor.id,
    };
    await trx.insertInto('consent_form_versions').values(row).execute();
    await appendAudit(trx, deps, {
      workspaceId: ctx.workspaceId,
      actor: ctx.actor,
      action: version === 1 ? 'consent_form.create' : 'consent_form.version',
      outcome: 'allowed',
      resourceType: 'consent_form',
      resourceId: formId,
      requestId: ctx.requestId ?? null,
      ip: ctx.ip ?? null,
      details: { version, digest: row.digest, purposes: definition.purposes.map((p) => p.key) },
    });
    return row;
  }

  const store: FormStore = {
    async create(db, ctx, input) {
      const definition = await buildFormDefinition(db, deps, ctx.workspaceId, input);
      await ensureConsentRecordsPurpose(db, deps.purposes, ctx);
      const at = deps.clock.now().toISOString();
      const id = randomUUID();
      return db.transaction().execute(async (trx) => {
        const form: Database['consent_forms'] = {
          id,
          workspace_id: ctx.workspaceId,
          name: input.name.trim(),
          current_version: 1,
          submissions: 0,
          archived: 0,
          created_at: at,
          updated_at: at,
        };
        await trx.insertInto('consent_forms').values(form).execute();
        return toView(form, await insertVersion(trx, ctx, id, 1, definition, at));
      });
    },

    async update(db, ctx, formId, expectedVersion, input) {
      await store.getOrThrow(db, ctx.workspaceId, formId);
      const definition = await buildFormDefinition(db, deps, ctx.workspaceId, input);
      await ensureConsentRecordsPurpose(db, deps.purposes, ctx);
      const at = deps.clock.now().toISOString();
      return db.transaction().execute(async (trx) => {
        const next = expectedVersion + 1;
        const changed = await trx
          .updateTable('consent_forms')
          .set({ current_version: next, name: input.name.trim(), updated_at: at })
          .where('workspace_id', '=', ctx.workspaceId)
          .where('id', '=', formId)
          .where('current_version', '=', expectedVersion)
          .executeTakeFirst();
        if (Number(changed.numUpdatedRows) !== 1) throw new AppError('PRECONDITION_FAILED', { resource: 'consent_form' });
        const version = await insertVersion(trx, ctx, formId, next, definition, at);
        const form = await trx.selectFrom('consent_forms').selectAll().where('id', '=', formId).executeTakeFirstOrThrow();
        return toView(form, version);
      });
    },

    async list(db, workspaceId, page) {
      let query = db
        .selectFrom('consent_forms as f')
        .innerJoin('consent_form_versions as v', (j) => j.onRef('v.form_id', '=', 'f.id').onRef('v.version', '=', 'f.current_version'))
        .selectAll('f')
        .select(['v.definition', 'v.digest', 'v.version', 'v.created_at as version_created_at', 'v.actor_type', 'v.actor_id', 'v.form_id'])
        .where('f.workspace_id', '=', workspaceId)
        .where('f.archived', '=', 0);
      if (page.after) query = query.where('f.id', '>', page.after);
      const rows = await query.orderBy('f.id').limit(page.limit + 1).execute();
      const items = rows.slice(0, page.limit).map((r) =>
        toView(r, { workspace_id: r.workspace_id, form_id: r.form_id, version: r.version, definition: r.definition, digest: r.digest, created_at: r.version_created_at, actor_type: r.actor_type, actor_id: r.actor_id }),
      );
      return { items, nextCursor: rows.length > page.limit ? (items[items.length - 1]?.id ?? null) : null };
    },

    async getOrThrow(db, workspaceId, formId) {
      const form = uuidPattern.test(formId)
        ? await db.selectFrom('consent_forms').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', formId).executeTakeFirst()
        : undefined;
      const version = form ? await loadVersion(db, form.id, form.current_version) : undefined;
      if (!form || !version) throw new AppError('NOT_FOUND', { resource: 'consent_form' });
      return toView(form, version);
    },

    async findPublished(db, formId) {
      if (!uuidPattern.test(formId)) return undefined;
      const form = await db.selectFrom('consent_forms').selectAll().where('id', '=', formId).where('archived', '=', 0).executeTakeFirst();
      const version = form ? await loadVersion(db, form.id, form.current_version) : undefined;
      if (!form || !version) return undefined;
      return { id: form.id, workspaceId: form.workspace_id, version: version.version, definition: JSON.parse(version.definition) as FormDefinition };
    },

    async findVersion(db, workspaceId, formId, version) {
      const row = await loadVersion(db, formId, version);
      if (!row || row.workspace_id !== workspaceId) return undefined;
      return { id: formId, workspaceId, version, definition: JSON.parse(row.definition) as FormDefinition };
    },

    async countSubmission(db, workspaceId, formId) {
      await db
        .updateTable('consent_forms')
        .set((eb) => ({ submissions: eb('submissions', '+', 1) }))
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', formId)
        .execute();
    },
  };
  return store;
}
