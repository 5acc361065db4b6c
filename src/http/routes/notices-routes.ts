import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { marked } from 'marked';
import sanitizeHtml from 'sanitize-html';
import { purposeKeyPattern } from '../../kernel/purposes/purpose-register.ts';
import type { AppDeps } from '../app.ts';
import { requestContext } from '../request-context.ts';

const NoticeVersion = Type.Object({
  id: Type.String(),
  noticeId: Type.String(),
  purpose: Type.String(),
  language: Type.String(),
  version: Type.Integer(),
  status: Type.Union([Type.Literal('draft'), Type.Literal('published'), Type.Literal('retired')]),
  title: Type.String(),
  markdown: Type.String(),
  digest: Type.Union([Type.String(), Type.Null()]),
  purposeVersion: Type.Union([Type.Integer(), Type.Null()]),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  publishedAt: Type.Union([Type.String(), Type.Null()]),
  url: Type.Union([Type.String(), Type.Null()]),
});
const Notice = Type.Object({ id: Type.String(), purpose: Type.String(), language: Type.String(), versions: Type.Array(NoticeVersion) });
const VersionParams = Type.Object({ id: Type.String({ format: 'uuid', maxLength: 36 }) }, { additionalProperties: false });
const title = Type.String({ minLength: 1, maxLength: 200 });
const markdown = Type.String({ minLength: 1, maxLength: 100_000 });
const NewDraft = Type.Object(
  {
    purpose: Type.String({ pattern: purposeKeyPattern.source, maxLength: 64 }),
    language: Type.String({ pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$', maxLength: 35 }),
    title: Type.Optional(title),
    markdown: Type.Optional(markdown),
  },
  { additionalProperties: false },
);
const DraftPatch = Type.Object({ title: Type.Optional(title), markdown: Type.Optional(markdown) }, { additionalProperties: false, minProperties: 1 });

const escape = (value: string) => value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A published notice as a standalone accessible page; its Markdown rendered and sanitised (no script, no raw HTML events). */
function noticePage(v: { title: string; markdown: string; language: string; version: number; publishedAt: string | null; digest: string | null; status: string }): string {
  const body = sanitizeHtml(marked.parse(v.markdown, { async: false }), {
    allowedTags: ['h1', 'h2', 'h3', 'h4', 'p', 'ul', 'ol', 'li', 'strong', 'em', 'a', 'blockquote', 'code', 'pre', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'br', 'hr'],
    allowedAttributes: { a: ['href', 'title'] },
    allowedSchemes: ['https', 'http', 'mailto'],
  });
  return `<!doctype html>
<html lang="${escape(v.language)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escape(v.title)}</title>
<style>body{font:16px/1.55 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#111}footer{margin-top:3rem;color:#555;font-size:.85rem;word-break:break-all}</style>
</head><body><main>
${v.status === 'retired' ? '<p role="note"><strong>This version has been replaced by a newer one.</strong></p>' : ''}
<article>${body}</article></main>
<footer>Version ${v.version}, published ${escape(v.publishedAt ?? '')}. SHA-256 of this text: ${escape(v.digest ?? '')}</footer>
</body></html>`;
}

/**
 * Privacy notices: drafts generated from the purpose register, edited, then published (immutable, public page at
 * `/notices/:id`, a JSON twin under `/api/v1/public/notices/:id`).
 */
export function noticesRoutes(deps: Pick<AppDeps, 'db' | 'notices'>): FastifyPluginAsync {
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['notices'];
    const db = deps.db.kysely;

    app.get(
      '/api/v1/notices',
      { config: { access: 'purposes:read' }, schema: { tags, summary: 'Privacy notices with their versions', response: { 200: Type.Object({ items: Type.Array(Notice) }) } } },
      async (request) => ({ items: (await deps.notices.list(db, requestContext(request).workspaceId)).map((n) => ({ ...n, versions: [...n.versions] })) }),
    );

    app.post(
      '/api/v1/notices',
      {
        config: { access: 'purposes:write' },
        schema: { tags, summary: 'Create a draft notice version (generated from the purpose register when no text is given)', body: NewDraft, response: { 201: NoticeVersion } },
      },
      async (request, reply) => reply.code(201).send(await deps.notices.createDraft(db, requestContext(request), request.body)),
    );

    app.get(
      '/api/v1/notices/versions/:id',
      { config: { access: 'purposes:read' }, schema: { tags, summary: 'One notice version', params: VersionParams, response: { 200: NoticeVersion } } },
      async (request) => deps.notices.get(db, requestContext(request).workspaceId, request.params.id),
    );

    app.patch(
      '/api/v1/notices/versions/:id',
      {
        config: { access: 'purposes:write' },
        schema: { tags, summary: 'Edit a draft (a published version is immutable: 409)', params: VersionParams, body: DraftPatch, response: { 200: NoticeVersion } },
      },
      async (request) => deps.notices.updateDraft(db, requestContext(request), request.params.id, request.body),
    );

    app.post(
      '/api/v1/notices/versions/:id/publish',
      { config: { access: 'purposes:write' }, schema: { tags, summary: 'Publish a draft; the previous published version is retired', params: VersionParams, response: { 200: NoticeVersion } } },
      async (request) => deps.notices.publish(db, requestContext(request), request.params.id),
    );

    app.get(
      '/api/v1/public/notices/:id',
      { config: { access: 'public' }, schema: { tags, summary: 'A published notice version (public)', params: VersionParams, response: { 200: NoticeVersion } } },
      async (request) => deps.notices.getPublic(db, request.params.id),
    );

    app.get(
      '/notices/:id',
      { config: { access: 'public' }, schema: { tags, summary: 'A published notice as a web page', params: VersionParams } },
      async (request, reply) => {
        const v = await deps.notices.getPublic(db, request.params.id);
        return reply.type('text/html; charset=utf-8').send(noticePage(v));
      },
    );
  };
}
