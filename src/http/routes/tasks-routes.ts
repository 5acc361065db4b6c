import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { taskPriorities, taskStatuses, taskTitleMaxLength } from '../../crm/tasks/task-types.ts';
import type { AppDeps } from '../app.ts';
import { sendIdempotent } from '../idempotency.ts';
import { IfMatchHeader, etagOf, expectedVersion } from '../optimistic-concurrency.ts';
import { processingContextOf } from '../purpose-header.ts';
import { requestContext } from '../request-context.ts';
import { RecordLinkSchema } from './activities-routes.ts';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const uuid = Type.String({ format: 'uuid', maxLength: 36 });

const fields = {
  title: Type.String({ minLength: 1, maxLength: taskTitleMaxLength }),
  dueDate: nullable(Type.String({ minLength: 10, maxLength: 10 })),
  dueTime: nullable(Type.String({ minLength: 5, maxLength: 5 })),
  assigneeId: nullable(uuid),
  link: nullable(RecordLinkSchema),
  status: literals(taskStatuses),
  priority: literals(taskPriorities),
};
const optional = {
  dueDate: Type.Optional(fields.dueDate),
  dueTime: Type.Optional(fields.dueTime),
  assigneeId: Type.Optional(fields.assigneeId),
  link: Type.Optional(fields.link),
  status: Type.Optional(fields.status),
  priority: Type.Optional(fields.priority),
};

const NewTask = Type.Object({ title: fields.title, ...optional }, { additionalProperties: false });
const TaskPatch = Type.Object({ title: Type.Optional(fields.title), ...optional }, { additionalProperties: false, minProperties: 1 });

const Task = Type.Object({
  id: Type.String(),
  title: Type.Union([Type.String(), Type.Null()]),
  hidden: Type.Boolean(),
  dueDate: Type.Union([Type.String(), Type.Null()]),
  dueTime: Type.Union([Type.String(), Type.Null()]),
  dueAt: Type.Union([Type.String(), Type.Null()]),
  overdue: Type.Boolean(),
  assigneeId: Type.Union([Type.String(), Type.Null()]),
  link: Type.Union([RecordLinkSchema, Type.Null()]),
  status: literals(taskStatuses),
  priority: literals(taskPriorities),
  completedAt: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  version: Type.Integer(),
});

const TaskParams = Type.Object({ id: uuid }, { additionalProperties: false });
const ListQuery = Type.Object(
  {
    assignee: Type.Optional(Type.Union([Type.Literal('me'), uuid])),
    status: Type.Optional(literals(taskStatuses)),
    overdue: Type.Optional(Type.Boolean()),
    linkedEntity: Type.Optional(literals(['person', 'organization', 'deal'] as const)),
    linkedId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' })),
    dueBefore: Type.Optional(Type.String({ minLength: 10, maxLength: 10 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 300, pattern: '^[A-Za-z0-9_-]+$' })),
  },
  { additionalProperties: false },
);

/**
 * Tasks: title, due date (and time), assignee, linked record, status, priority. `GET /api/v1/tasks?assignee=me&status=open`
 * is "my tasks"; `overdue` is computed from the server's clock. The title of a task about a person is encrypted under
 * their key and passes the gate (ADR 0012).
 */
export function tasksRoutes(deps: Pick<AppDeps, 'db' | 'clock' | 'tasks' | 'purposes'>): FastifyPluginAsync {
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['tasks'];

    app.post(
      '/api/v1/tasks',
      {
        config: { access: 'crm:write' },
        schema: { tags, summary: 'Create a task; accepts Idempotency-Key', body: NewTask, response: { 201: Task } },
      },
      async (request, reply) => {
        const ctx = await processingContextOf(request, reply, deps);
        const headersOf = (t: { id: string; version: number }) => ({ etag: etagOf(t.version), location: `/api/v1/tasks/${t.id}` });
        return sendIdempotent(deps.db.kysely, deps.clock, request, reply, {
          create: async () => {
            const task = await deps.tasks.create(ctx, request.body);
            return { status: 201, resourceId: task.id, body: task, headers: headersOf(task) };
          },
          replay: async (id) => {
            const task = await deps.tasks.get(ctx, id);
            return { body: task, headers: headersOf(task) };
          },
        });
      },
    );

    app.get(
      '/api/v1/tasks',
      {
        config: { access: 'crm:read' },
        schema: {
          tags,
          summary: 'List tasks by due time (undated last), with filters; assignee=me&status=open is "my tasks"',
          querystring: ListQuery,
          response: { 200: Type.Object({ items: Type.Array(Task), nextCursor: Type.Union([Type.String(), Type.Null()]) }) },
        },
      },
      async (request, reply) => {
        const ctx = await processingContextOf(request, reply, deps);
        const q = request.query;
        const assigneeId = q.assignee === 'me' ? requestContext(request).principal.userId : q.assignee;
        const link = q.linkedEntity && q.linkedId ? { entity: q.linkedEntity, id: q.linkedId } : undefined;
        return deps.tasks.list(
          ctx,
          { assigneeId, status: q.status, overdue: q.overdue, link, dueBefore: q.dueBefore },
          { limit: q.limit ?? 50, cursor: q.cursor },
        );
      },
    );

    app.get(
      '/api/v1/tasks/:id',
      { config: { access: 'crm:read' }, schema: { tags, summary: 'Read a task', params: TaskParams, response: { 200: Task } } },
      async (request, reply) => {
        const ctx = await processingContextOf(request, reply, deps);
        const task = await deps.tasks.get(ctx, request.params.id);
        return reply.header('etag', etagOf(task.version)).send(task);
      },
    );

    app.patch(
      '/api/v1/tasks/:id',
      {
        config: { access: 'crm:write' },
        schema: {
          tags,
          summary: 'Change a task (status done sets completedAt); needs If-Match',
          params: TaskParams,
          headers: IfMatchHeader,
          body: TaskPatch,
          response: { 200: Task },
        },
      },
      async (request, reply) => {
        const version = expectedVersion(request, 'task');
        const ctx = await processingContextOf(request, reply, deps);
        const task = await deps.tasks.update(ctx, request.params.id, version, request.body);
        return reply.header('etag', etagOf(task.version)).send(task);
      },
    );

    app.delete(
      '/api/v1/tasks/:id',
      { config: { access: 'crm:write' }, schema: { tags, summary: 'Delete a task', params: TaskParams, response: { 204: Type.Null() } } },
      async (request, reply) => {
        const ctx = await processingContextOf(request, reply, deps);
        await deps.tasks.remove(ctx, request.params.id);
        return reply.code(204).send(null);
      },
    );
  };
}
