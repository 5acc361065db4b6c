import { createHash, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DialectName } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { appendAudit } from '../../kernel/audit/audit-log.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { ActorContext } from '../../kernel/gate/processing-context.ts';
import type { PurposeRegister } from '../../kernel/purposes/purpose-register.ts';
import { draftNoticeMarkdown } from './draft-notice-markdown.ts';

/** One version of a privacy notice. `url` is its public page (published versions only). */
export interface NoticeVersionView {
  readonly id: string;
  readonly noticeId: string;
  readonly purpose: string;
  readonly language: string;
  readonly version: number;
  readonly status: 'draft' | 'published' | 'retired';
  readonly title: string;
  readonly markdown: string;
  readonly digest: string | null;
  readonly purposeVersion: number | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly publishedAt: string | null;
  readonly url: string | null;
}

export interface NoticeSummary {
  readonly id: string;
  readonly purpose: string;
  readonly language: string;
  readonly versions: readonly NoticeVersionView[];
}

export interface NoticeService {
  list(db: Kysely<Database>, workspaceId: string): Promise<NoticeSummary[]>;
  /** A new draft version for the purpose and language; without text, one generated from the purpose register. */
  createDraft(
    db: Kysely<Database>,
    ctx: ActorContext,
    input: { purpose: string; language: string; title?: string | undefined; markdown?: string | undefined },
  ): Promise<NoticeVersionView>;
  /** Changes a draft; a published version is immutable (`CONFLICT`). */
  updateDraft(db: Kysely<Database>, ctx: ActorContext, versionId: string, input: { title?: string | undefined; markdown?: string | undefined }): Promise<NoticeVersionView>;
  /** Publishes a draft (digest fixed, purpose version noted); the version published before is retired. */
  publish(db: Kysely<Database>, ctx: ActorContext, versionId: string): Promise<NoticeVersionView>;
  get(db: Kysely<Database>, workspaceId: string, versionId: string): Promise<NoticeVersionView>;
  /** A published or retired version by id alone (public pages: version ids are random). */
  getPublic(db: Kysely<Database>, versionId: string): Promise<NoticeVersionView>;
  /** The published version for a purpose in a language (else in English, else any), or null. */
  currentPublished(db: Kysely<Database>, workspaceId: string, purpose: string, language?: string): Promise<NoticeVersionView | null>;
}

export const languagePattern = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

/** SHA-256 hex of what a person reads: title and text. */
export function noticeDigest(title: string, markdown: string): string {
  return createHash('sha256').update(`${title}\n\n${markdown}`).digest('hex');
}

type Row = Database['notice_versions'] & { purpose_key: string; language: string };

function viewOf(row: Row): NoticeVersionView {
  return {
    id: row.id,
    noticeId: row.notice_id,
    purpose: row.purpose_key,
    language: row.language,
    version: row.version,
    status: row.status,
    title: row.title,
    markdown: row.markdown,
    digest: row.digest,
    purposeVersion: row.purpose_version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    publishedAt: row.published_at,
    url: row.status === 'draft' ? null : `/notices/${row.id}`,
  };
}

/**
 * Privacy notices: versioned text per purpose and language (Markdown). A published version is immutable and has a
 * public page; consent evidence points to it by id and digest.
 *
 * @example
 * const notices = createNoticeService({ dialect, clock, purposes });
 * const draft = await notices.createDraft(db, ctx, { purpose: 'email_marketing', language: 'en' });
 * await notices.publish(db, ctx, draft.id);
 */
export function createNoticeService(deps: {
  readonly dialect: DialectName;
  readonly clock: Clock;
  readonly purposes: Pick<PurposeRegister, 'find'>;
}): NoticeService {
  const select = (db: Kysely<Database>) =>
    db
      .selectFrom('notice_versions as v')
      .innerJoin('privacy_notices as n', 'n.id', 'v.notice_id')
      .selectAll('v')
      .select(['n.purpose_key', 'n.language']);

  const audit = (trx: Kysely<Database>, ctx: ActorContext, action: string, row: { id: string; purpose: string; version: number }) =>
    appendAudit(trx, deps, {
      workspaceId: ctx.workspaceId,
      actor: ctx.actor,
      action,
      outcome: 'allowed',
      resourceType: 'notice_version',
      resourceId: row.id,
      purpose: row.purpose,
      requestId: ctx.requestId ?? null,
      ip: ctx.ip ?? null,
      details: { version: row.version },
    });

  const getRow = async (db: Kysely<Database>, workspaceId: string, versionId: string): Promise<Row> => {
    const row = await select(db).where('v.workspace_id', '=', workspaceId).where('v.id', '=', versionId).executeTakeFirst();
    if (!row) throw new AppError('NOT_FOUND', { resource: 'notice version' });
    return row;
  };

  const checkText = (title: string | undefined, markdown: string | undefined) => {
    const errors = [
      ...(title !== undefined && (title.trim() === '' || title.length > 200) ? [{ path: '/title', message: 'must be 1 to 200 characters' }] : []),
      ...(markdown !== undefined && (markdown.trim() === '' || markdown.length > 100_000) ? [{ path: '/markdown', message: 'must be 1 to 100,000 characters' }] : []),
    ];
    if (errors.length > 0) throw new AppError('VALIDATION_FAILED', { detail: 'The notice is not valid', errors });
  };

  return {
    async list(db, workspaceId) {
      const rows = await select(db).where('v.workspace_id', '=', workspaceId).orderBy('n.purpose_key').orderBy('n.language').orderBy('v.version', 'desc').execute();
      const byNotice = new Map<string, NoticeSummary & { versions: NoticeVersionView[] }>();
      for (const row of rows) {
        const entry = byNotice.get(row.notice_id) ?? { id: row.notice_id, purpose: row.purpose_key, language: row.language, versions: [] };
        entry.versions.push(viewOf(row));
        byNotice.set(row.notice_id, entry);
      }
      return [...byNotice.values()];
    },

    async createDraft(db, ctx, input) {
      if (!languagePattern.test(input.language)) {
        throw new AppError('VALIDATION_FAILED', { detail: 'The language is not a BCP 47 tag', errors: [{ path: '/language', message: 'e.g. en, fr, de-CH' }] });
      }
      checkText(input.title, input.markdown);
      const purpose = await deps.purposes.find(db, ctx.workspaceId, input.purpose);
      if (!purpose) throw new AppError('PURPOSE_UNKNOWN', { purpose: input.purpose });
      const workspace = await db.selectFrom('workspaces').select('name').where('id', '=', ctx.workspaceId).executeTakeFirstOrThrow();
      const settings = new Map(
        (await db.selectFrom('settings').select(['key', 'value']).where('workspace_id', '=', ctx.workspaceId).where('key', 'in', ['organisation.name', 'organisation.dpoEmail']).execute()).map(
          (r) => [r.key, JSON.parse(r.value) as unknown],
        ),
      );
      const controller = typeof settings.get('organisation.name') === 'string' ? (settings.get('organisation.name') as string) : workspace.name;
      const dpo = settings.get('organisation.dpoEmail');
      const now = deps.clock.now().toISOString();
      return db.transaction().execute(async (trx) => {
        let notice = await trx
          .selectFrom('privacy_notices')
          .select('id')
          .where('workspace_id', '=', ctx.workspaceId)
          .where('purpose_key', '=', purpose.key)
          .where('language', '=', input.language)
          .executeTakeFirst();
        if (!notice) {
          notice = { id: randomUUID() };
          await trx
            .insertInto('privacy_notices')
            .values({ id: notice.id, workspace_id: ctx.workspaceId, purpose_key: purpose.key, language: input.language, created_at: now })
            .execute();
        }
        const last = await trx.selectFrom('notice_versions').select((eb) => eb.fn.max('version').as('v')).where('notice_id', '=', notice.id).executeTakeFirst();
        const version = Number(last?.v ?? 0) + 1;
        const id = randomUUID();
        await trx
          .insertInto('notice_versions')
          .values({
            id,
            workspace_id: ctx.workspaceId,
            notice_id: notice.id,
            version,
            status: 'draft',
            title: input.title ?? `How we use your data: ${purpose.name}`,
            markdown: input.markdown ?? draftNoticeMarkdown(purpose, { controller, contact: null, dpoContact: typeof dpo === 'string' && dpo !== '' ? dpo : null }),
            digest: null,
            purpose_version: null,
            created_at: now,
            updated_at: now,
            published_at: null,
            published_by: null,
          })
          .execute();
        await audit(trx, ctx, 'notice.draft', { id, purpose: purpose.key, version });
        return viewOf(await getRow(trx, ctx.workspaceId, id));
      });
    },

    async updateDraft(db, ctx, versionId, input) {
      checkText(input.title, input.markdown);
      return db.transaction().execute(async (trx) => {
        const row = await getRow(trx, ctx.workspaceId, versionId);
        if (row.status !== 'draft') throw new AppError('CONFLICT', { detail: 'A published notice is immutable: create a new draft' });
        await trx
          .updateTable('notice_versions')
          .set({ ...(input.title !== undefined ? { title: input.title } : {}), ...(input.markdown !== undefined ? { markdown: input.markdown } : {}), updated_at: deps.clock.now().toISOString() })
          .where('id', '=', versionId)
          .execute();
        await audit(trx, ctx, 'notice.update', { id: versionId, purpose: row.purpose_key, version: row.version });
        return viewOf(await getRow(trx, ctx.workspaceId, versionId));
      });
    },

    async publish(db, ctx, versionId) {
      return db.transaction().execute(async (trx) => {
        const row = await getRow(trx, ctx.workspaceId, versionId);
        if (row.status !== 'draft') throw new AppError('CONFLICT', { detail: 'Only a draft can be published' });
        const purpose = await deps.purposes.find(trx, ctx.workspaceId, row.purpose_key);
        const now = deps.clock.now().toISOString();
        await trx.updateTable('notice_versions').set({ status: 'retired', updated_at: now }).where('notice_id', '=', row.notice_id).where('status', '=', 'published').execute();
        await trx
          .updateTable('notice_versions')
          .set({
            status: 'published',
            digest: noticeDigest(row.title, row.markdown),
            purpose_version: purpose?.version ?? null,
            published_at: now,
            published_by: `${ctx.actor.type}:${ctx.actor.id ?? ''}`,
            updated_at: now,
          })
          .where('id', '=', versionId)
          .execute();
        await audit(trx, ctx, 'notice.publish', { id: versionId, purpose: row.purpose_key, version: row.version });
        return viewOf(await getRow(trx, ctx.workspaceId, versionId));
      });
    },

    async get(db, workspaceId, versionId) {
      return viewOf(await getRow(db, workspaceId, versionId));
    },

    async getPublic(db, versionId) {
      const row = await select(db).where('v.id', '=', versionId).where('v.status', '!=', 'draft').executeTakeFirst();
      if (!row) throw new AppError('NOT_FOUND', { resource: 'notice' });
      return viewOf(row);
    },

    async currentPublished(db, workspaceId, purpose, language = 'en') {
      const rows = await select(db)
        .where('v.workspace_id', '=', workspaceId)
        .where('n.purpose_key', '=', purpose)
        .where('v.status', '=', 'published')
        .execute();
      const pick = rows.find((r) => r.language === language) ?? rows.find((r) => r.language === language.split('-')[0]) ?? rows.find((r) => r.language === 'en') ?? rows[0];
      return pick ? viewOf(pick) : null;
    },
  };
}
