import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { createTrainingModule, getTrainingModuleOrThrow, listTrainingModules, updateTrainingModule, type TrainingModule } from '../../governance/training/training-modules.ts';
import { createTrainingRule, deleteTrainingRule, listTrainingRules } from '../../governance/training/training-rules.ts';
import { installStarterModules } from '../../governance/training/seed-starter-modules.ts';
import { getModuleToTake, listMyTraining, submitAttempt } from '../../governance/training/my-training.ts';
import { trainingCompletionReport, trainingPeopleReport, trainingReportCsv } from '../../governance/training/training-reports.ts';
import type { AppDeps } from '../app.ts';
import { sendIdempotent } from '../idempotency.ts';
import { IfMatchHeader, etagOf, expectedVersion } from '../optimistic-concurrency.ts';
import { requestContext } from '../request-context.ts';

const Id = Type.String({ format: 'uuid', maxLength: 36 });
const IdParams = Type.Object({ id: Id }, { additionalProperties: false });
const Status = Type.Union([Type.Literal('completed'), Type.Literal('due'), Type.Literal('overdue')]);

const QuestionInput = Type.Object(
  {
    text: Type.String({ maxLength: 1000 }),
    options: Type.Array(Type.Object({ text: Type.String({ maxLength: 500 }), correct: Type.Boolean() }, { additionalProperties: false }), { maxItems: 26 }),
  },
  { additionalProperties: false },
);

const editable = {
  title: Type.String({ minLength: 1, maxLength: 200 }),
  content: Type.String({ maxLength: 100_000, description: 'Markdown' }),
  quiz: Type.Array(QuestionInput, { maxItems: 100, description: 'Each question needs two options or more, at least one correct, none empty' }),
  passMark: Type.Integer({ description: 'Percentage of questions right needed to pass (0–100); checked by the use-case' }),
  refresherInterval: Type.Union([Type.String({ maxLength: 20, description: 'ISO 8601 duration such as P12M' }), Type.Null()]),
  active: Type.Boolean(),
};

const NewModule = Type.Object(
  {
    title: editable.title,
    content: editable.content,
    quiz: editable.quiz,
    passMark: editable.passMark,
    refresherInterval: Type.Optional(editable.refresherInterval),
    active: Type.Optional(editable.active),
  },
  { additionalProperties: false },
);
const ModulePatch = Type.Partial(Type.Object(editable), { additionalProperties: false, minProperties: 1 });

const Module = Type.Object({
  id: Type.String(),
  starterKey: Type.Union([Type.String(), Type.Null()]),
  title: Type.String(),
  content: Type.String(),
  quiz: Type.Array(
    Type.Object({
      id: Type.String(),
      text: Type.String(),
      options: Type.Array(Type.Object({ id: Type.String(), text: Type.String(), correct: Type.Boolean() })),
    }),
  ),
  passMark: Type.Integer(),
  version: Type.Integer(),
  refresherInterval: Type.Union([Type.String(), Type.Null()]),
  active: Type.Boolean(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

const Rule = Type.Object({
  id: Type.String(),
  moduleId: Type.String(),
  moduleTitle: Type.String(),
  roleKey: Type.String(),
  roleName: Type.String(),
  dueDays: Type.Integer(),
  createdAt: Type.String(),
});
const roleKey = Type.String({ minLength: 1, maxLength: 64 });
const NewRule = Type.Union([
  Type.Object({ moduleId: Id, roleKey, dueInDays: Type.Integer({ description: 'Days from assignment, 1–730' }) }, { additionalProperties: false }),
  Type.Object({ moduleId: Id, roleKey, dueDate: Type.String({ maxLength: 30, description: 'A future date, YYYY-MM-DD' }) }, { additionalProperties: false }),
]);

const Assignment = Type.Object({
  assignmentId: Type.String(),
  moduleId: Type.String(),
  title: Type.String(),
  status: Status,
  assignedAt: Type.String(),
  dueAt: Type.String(),
  completedAt: Type.Union([Type.String(), Type.Null()]),
  bestScore: Type.Union([Type.Integer(), Type.Null()]),
  refresher: Type.Boolean(),
});

const ModuleToTake = Type.Object({
  moduleId: Type.String(),
  title: Type.String(),
  version: Type.Integer(),
  contentHtml: Type.String({ description: 'Rendered Markdown, sanitised' }),
  passMark: Type.Integer(),
  quiz: Type.Array(Type.Object({ id: Type.String(), text: Type.String(), options: Type.Array(Type.Object({ id: Type.String(), text: Type.String() })) })),
  assignment: Assignment,
});

const AttemptBody = Type.Object(
  {
    version: Type.Integer({ minimum: 1, description: 'Module version the answers refer to' }),
    answers: Type.Record(Type.String({ maxLength: 10 }), Type.Array(Type.String({ maxLength: 2 }), { maxItems: 26, uniqueItems: true }), {
      maxProperties: 100,
      description: 'Chosen option ids per question id, e.g. { "q1": ["b"] }',
    }),
  },
  { additionalProperties: false },
);

const AttemptResult = Type.Object({
  attemptId: Type.String(),
  moduleVersion: Type.Integer(),
  score: Type.Integer(),
  passed: Type.Boolean(),
  passMark: Type.Integer(),
  correctQuestions: Type.Array(Type.String()),
  assignment: Assignment,
});

const PersonRow = Type.Object({
  userId: Type.String(),
  name: Type.String(),
  email: Type.String(),
  roleKey: Type.String(),
  moduleId: Type.String(),
  moduleTitle: Type.String(),
  status: Status,
  assignedAt: Type.String(),
  dueAt: Type.String(),
  completedAt: Type.Union([Type.String(), Type.Null()]),
  bestScore: Type.Union([Type.Integer(), Type.Null()]),
  attempts: Type.Integer(),
});

const CompletionRow = Type.Object({
  moduleId: Type.String(),
  moduleTitle: Type.String(),
  roleKey: Type.String(),
  assigned: Type.Integer(),
  completed: Type.Integer(),
  overdue: Type.Integer(),
  completionRate: Type.Integer(),
});

function view(m: TrainingModule): Static<typeof Module> {
  return { ...m, quiz: m.quiz.map((q) => ({ ...q, options: q.options.map((o) => ({ ...o })) })) };
}

/**
 * Staff training: modules and their quiz (governance:write to manage, governance:read to read), assignment rules by
 * role, each user's own training (any signed-in user), completion reports and their CSV export.
 */
export function trainingRoutes(deps: Pick<AppDeps, 'db' | 'clock' | 'trainingGate'>): FastifyPluginAsync {
  return async (instance) => {
    const app = instance.withTypeProvider<TypeBoxTypeProvider>();
    const tags = ['training'];
    const db = deps.db.kysely;
    const moduleDeps = { db, dialect: deps.db.dialect, clock: deps.clock };
    const myDeps = { ...moduleDeps, onCompleted: deps.trainingGate.invalidate };

    app.get(
      '/api/v1/training/modules',
      {
        config: { access: 'governance:read' },
        schema: { tags, summary: 'Training modules (current versions, with their answers)', response: { 200: Type.Object({ items: Type.Array(Module) }) } },
      },
      async (request) => ({ items: (await listTrainingModules(db, requestContext(request).workspaceId)).map(view) }),
    );

    app.get(
      '/api/v1/training/modules/:id',
      {
        config: { access: 'governance:read' },
        schema: { tags, summary: 'One training module (ETag: its version)', params: IdParams, response: { 200: Module } },
      },
      async (request, reply) => {
        const m = await getTrainingModuleOrThrow(db, requestContext(request).workspaceId, request.params.id);
        return reply.header('etag', etagOf(m.version)).send(view(m));
      },
    );

    app.post(
      '/api/v1/training/modules',
      {
        config: { access: 'governance:write' },
        schema: { tags, summary: 'Write a training module with its quiz; accepts Idempotency-Key', body: NewModule, response: { 201: Module } },
      },
      async (request, reply) => {
        const rc = requestContext(request);
        const headersOf = (m: TrainingModule) => ({ etag: etagOf(m.version), location: `/api/v1/training/modules/${m.id}` });
        return sendIdempotent(db, deps.clock, request, reply, {
          create: async () => {
            const m = await createTrainingModule(moduleDeps, rc, request.body);
            return { status: 201, resourceId: m.id, body: view(m), headers: headersOf(m) };
          },
          replay: async (id) => {
            const m = await getTrainingModuleOrThrow(db, rc.workspaceId, id);
            return { body: view(m), headers: headersOf(m) };
          },
        });
      },
    );

    app.patch(
      '/api/v1/training/modules/:id',
      {
        config: { access: 'governance:write' },
        schema: {
          tags,
          summary: 'Change a module (a new version; attempts keep the version they answered); needs If-Match',
          params: IdParams,
          headers: IfMatchHeader,
          body: ModulePatch,
          response: { 200: Module },
        },
      },
      async (request, reply) => {
        const version = expectedVersion(request, 'training module');
        const m = await updateTrainingModule(moduleDeps, requestContext(request), request.params.id, version, request.body);
        return reply.header('etag', etagOf(m.version)).send(view(m));
      },
    );

    app.post(
      '/api/v1/training/modules/starter',
      {
        config: { access: 'governance:write' },
        schema: {
          tags,
          summary: 'Add the starter modules the workspace lacks (workspaces created before training existed)',
          response: { 200: Type.Object({ added: Type.Integer() }) },
        },
      },
      async (request) => ({ added: await installStarterModules({ db, clock: deps.clock }, requestContext(request)) }),
    );

    app.get(
      '/api/v1/training/rules',
      {
        config: { access: 'governance:read' },
        schema: { tags, summary: 'Which modules each role must take, and within how many days', response: { 200: Type.Object({ items: Type.Array(Rule) }) } },
      },
      async (request) => ({ items: await listTrainingRules(db, requestContext(request).workspaceId) }),
    );

    app.post(
      '/api/v1/training/rules',
      {
        config: { access: 'governance:write' },
        schema: {
          tags,
          summary: 'Assign a module to a role: every user of the role (now and later) must complete it within the days given',
          body: NewRule,
          response: { 201: Type.Object({ rule: Rule, assigned: Type.Integer({ description: 'Assignments made now' }) }) },
        },
      },
      async (request, reply) => reply.code(201).send(await createTrainingRule(moduleDeps, requestContext(request), request.body)),
    );

    app.delete(
      '/api/v1/training/rules/:id',
      {
        config: { access: 'governance:write' },
        schema: { tags, summary: 'Stop assigning a module to a role (assignments made stay)', params: IdParams, response: { 204: Type.Null() } },
      },
      async (request, reply) => {
        await deleteTrainingRule(moduleDeps, requestContext(request), request.params.id);
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/api/v1/training/me',
      {
        config: { access: 'authenticated' },
        schema: { tags, summary: 'Your training: open assignments first, by due date', response: { 200: Type.Object({ items: Type.Array(Assignment) }) } },
      },
      async (request) => {
        const rc = requestContext(request);
        return { items: await listMyTraining(myDeps, rc.workspaceId, rc.principal.userId) };
      },
    );

    app.get(
      '/api/v1/training/me/modules/:id',
      {
        config: { access: 'authenticated' },
        schema: { tags, summary: 'A module assigned to you, to read and take (quiz without answers)', params: IdParams, response: { 200: ModuleToTake } },
      },
      async (request) => {
        const rc = requestContext(request);
        return getModuleToTake(myDeps, rc.workspaceId, rc.principal.userId, request.params.id);
      },
    );

    app.post(
      '/api/v1/training/me/modules/:id/attempts',
      {
        config: { access: 'authenticated' },
        schema: {
          tags,
          summary: 'Answer the quiz of a module assigned to you; the first pass completes it',
          params: IdParams,
          body: AttemptBody,
          response: { 201: AttemptResult },
        },
      },
      async (request, reply) => {
        const rc = requestContext(request);
        return reply.code(201).send(await submitAttempt(myDeps, rc, rc.principal.userId, request.params.id, request.body));
      },
    );

    app.get(
      '/api/v1/training/reports/completion',
      {
        config: { access: 'governance:read' },
        schema: { tags, summary: 'Completion of each module per role', response: { 200: Type.Object({ items: Type.Array(CompletionRow) }) } },
      },
      async (request) => ({ items: await trainingCompletionReport(db, requestContext(request).workspaceId, deps.clock.now()) }),
    );

    app.get(
      '/api/v1/training/reports/people',
      {
        config: { access: 'governance:read' },
        schema: {
          tags,
          summary: 'Each person\'s current assignments with status, best score and attempts (`overdue=true`: the overdue list)',
          querystring: Type.Object({ overdue: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
          response: { 200: Type.Object({ items: Type.Array(PersonRow) }) },
        },
      },
      async (request) => ({
        items: await trainingPeopleReport(db, requestContext(request).workspaceId, deps.clock.now(), { overdueOnly: request.query.overdue === true }),
      }),
    );

    app.get(
      '/api/v1/training/reports/people.csv',
      {
        config: { access: 'governance:read' },
        schema: { tags, summary: 'The per-person training report as CSV', response: { 200: Type.String({ description: 'text/csv' }) } },
      },
      async (request, reply) => {
        const rows = await trainingPeopleReport(db, requestContext(request).workspaceId, deps.clock.now());
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="training-report.csv"')
          .send(trainingReportCsv(rows));
      },
    );
  };
}
