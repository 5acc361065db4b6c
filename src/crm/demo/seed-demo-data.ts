import type { Db } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { ProcessingContext } from '../../kernel/gate/processing-context.ts';
import type { PeopleService } from '../../kernel/people/people-service.ts';
import type { ActivitiesService } from '../activities/activities-service.ts';
import type { DealService } from '../deals/deal-service.ts';
import type { PipelineService } from '../deals/pipelines/pipeline-service.ts';
import type { OrganizationService } from '../organizations/organization-service.ts';
import type { TasksService } from '../tasks/tasks-service.ts';
import { demoVocabulary as v } from './demo-vocabulary.ts';
import { createSeededRandom } from './seeded-random.ts';

export interface DemoSeedDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly people: Pick<PeopleService, 'createMany'>;
  readonly organizations: Pick<OrganizationService, 'create'>;
  readonly pipelines: Pick<PipelineService, 'getDefaultOrThrow'>;
  readonly deals: Pick<DealService, 'create' | 'move'>;
  readonly activities?: Pick<ActivitiesService, 'create'> | undefined;
  readonly tasks?: Pick<TasksService, 'create'> | undefined;
}

export interface DemoSeedOptions {
  readonly workspaceId: string;
  /** The user who owns the demo accounts and deals (and whose tasks they are). */
  readonly ownerUserId: string;
  /** The same seed gives the same company. */
  readonly seed?: number | undefined;
  readonly people?: number | undefined;
  readonly organizations?: number | undefined;
  readonly deals?: number | undefined;
}

export interface DemoSeedResult {
  readonly people: number;
  readonly organizations: number;
  readonly deals: number;
  readonly activities: number;
  readonly tasks: number;
}

const day = 86_400_000;

/**
 * Fills an empty workspace with a believable company: organizations, people (through the kernel's `createMany`,
 * encrypted, gated and audited like an import, provenance "demo data"), deals in the default pipeline moved through
 * its stages (so they have stage history), and activities and tasks when those services are given. Deterministic for
 * a seed; refuses (409) a workspace that already holds organizations, deals or people.
 *
 * @example
 * const counts = await seedDemoData(services, { workspaceId, ownerUserId, seed: 7 });
 * counts.deals; // 80
 */
export async function seedDemoData(deps: DemoSeedDeps, options: DemoSeedOptions): Promise<DemoSeedResult> {
  const ws = options.workspaceId;
  const db = deps.db.kysely;
  const count = async (table: 'organizations' | 'deals' | 'persons') =>
    Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('workspace_id', '=', ws).executeTakeFirstOrThrow()).n);
  const existing = { organizations: await count('organizations'), deals: await count('deals'), people: await count('persons') };
  if (existing.organizations + existing.deals + existing.people > 0) {
    throw new AppError('CONFLICT', { detail: 'Demo data goes into an empty workspace; this one already holds CRM data', ...existing });
  }
  const rng = createSeededRandom(options.seed ?? 2026);
  const now = deps.clock.now().getTime();
  const isoDay = (offsetDays: number) => new Date(now + offsetDays * day).toISOString().slice(0, 10);
  const ctx: ProcessingContext = { workspaceId: ws, actor: { type: 'system', id: 'demo-seed' }, purpose: 'crm', role: { purposes: ['*'], dataCategories: ['*'] } };
  const by = { workspaceId: ws, actor: { type: 'user' as const, id: options.ownerUserId } };

  // Organizations: unique names and domains.
  const orgs: { id: string; domain: string; name: string }[] = [];
  const used = new Set<string>();
  while (orgs.length < (options.organizations ?? 50)) {
    const base = `${rng.pick(v.companyFirst)} ${rng.pick(v.companySecond)}`;
    if (used.has(base)) continue;
    used.add(base);
    const [city, country, postalCode] = rng.pick(v.cities);
    const domain = `${base.toLowerCase().replace(/\s+/g, '-')}.example`;
    const org = await deps.organizations.create(ws, {
      name: `${base} ${rng.pick(v.companySuffix)}`,
      domain,
      industry: rng.pick(v.industries),
      sizeBand: rng.weighted(['1-10', '11-50', '51-200', '201-500', '501-1000'] as const, [2, 4, 4, 2, 1]),
      address: { street: `${rng.int(1, 180)} ${rng.pick(v.streets)}`, city, postalCode, country },
      ownerUserId: options.ownerUserId,
    });
    orgs.push({ id: org.id, domain, name: org.name });
  }

  // People, each working for one organization, created in one kernel bulk operation.
  const peopleCount = options.people ?? 200;
  const personOrg: number[] = [];
  const items = Array.from({ length: peopleCount }, (_, i) => {
    const orgIndex = i % orgs.length;
    personOrg.push(orgIndex);
    const org = orgs[orgIndex] as (typeof orgs)[number];
    const firstName = rng.pick(v.firstNames);
    const lastName = rng.pick(v.lastNames);
    const local = `${firstName}.${lastName}`.normalize('NFKD').replace(/[^\w.]/g, '').toLowerCase();
    return {
      firstName,
      lastName,
      email: `${local}.${i}@${org.domain}`,
      phone: `+44 20 7946 ${String(i % 1000).padStart(4, '0')}`,
      jobTitle: rng.pick(v.jobTitles),
      organizationId: org.id,
      ownerUserId: options.ownerUserId,
      lifecycleStage: rng.weighted(['lead', 'prospect', 'customer', 'former'] as const, [4, 3, 3, 1]),
      tags: rng.next() < 0.3 ? ['demo', rng.pick(['newsletter', 'event-2026', 'partner'])] : ['demo'],
    };
  });
  const created = await deps.people.createMany(ctx, items, { source: 'provided', sourceDetail: 'Demo data (custodian demo seed)' });
  const peopleOf = (orgIndex: number) => created.filter((_, i) => personOrg[i] === orgIndex).map((p) => p.id);

  // Deals in the default pipeline, walked stage by stage to their current one.
  const pipeline = await deps.pipelines.getDefaultOrThrow(db, ws);
  const stageWeights = pipeline.stages.map((s) => (s.kind === 'open' ? 4 : 2));
  let activities = 0;
  let tasks = 0;
  const dealCount = options.deals ?? 80;
  for (let i = 0; i < dealCount; i += 1) {
    const orgIndex = rng.int(0, orgs.length - 1);
    const org = orgs[orgIndex] as (typeof orgs)[number];
    const contacts = peopleOf(orgIndex).slice(0, rng.int(1, 2));
    const target = rng.weighted(pipeline.stages, stageWeights);
    let deal = await deps.deals.create(
      by,
      {
        title: `${org.name.split(' ')[0]} — ${rng.pick(v.dealKinds)}`,
        amount: rng.int(20, 900) * 10_000,
        currency: rng.weighted(['EUR', 'GBP', 'SEK'], [8, 2, 1]),
        expectedCloseDate: isoDay(rng.int(-30, 120)),
        ownerUserId: options.ownerUserId,
        pipelineId: pipeline.id,
        organizationId: org.id,
        personIds: contacts,
      },
      ctx,
    );
    const openPath = pipeline.stages.filter((s) => s.kind === 'open');
    const path = target.kind === 'open' ? openPath.slice(1, openPath.indexOf(target) + 1) : [...openPath.slice(1, rng.int(1, openPath.length)), target];
    for (const stage of path) {
      const closeReason = stage.kind === 'won' ? rng.pick(v.wonReasons) : stage.kind === 'lost' ? rng.pick(v.lostReasons) : undefined;
      deal = await deps.deals.move(by, deal.id, deal.version, { stageId: stage.id, ...(closeReason ? { closeReason } : {}) });
    }
    const links = [{ entity: 'deal' as const, id: deal.id }, { entity: 'organization' as const, id: org.id }, ...contacts.map((id) => ({ entity: 'person' as const, id }))];
    if (deps.activities) {
      for (let a = rng.int(1, 3); a > 0; a -= 1) {
        const type = rng.weighted(['call', 'meeting', 'note', 'email'] as const, [4, 2, 2, 2]);
        const subject = type === 'call' ? rng.pick(v.callSubjects) : type === 'meeting' ? rng.pick(v.meetingSubjects) : rng.pick(v.noteSubjects);
        await deps.activities.create(ctx, {
          type,
          subject,
          body: type === 'note' ? `<p>${subject}.</p>` : null,
          occurredAt: new Date(now - rng.int(1, 60) * day).toISOString(),
          durationMinutes: type === 'call' || type === 'meeting' ? rng.pick([15, 30, 45, 60]) : null,
          direction: type === 'call' || type === 'email' ? rng.pick(['in', 'out'] as const) : null,
          outcome: type === 'call' ? rng.pick(['connected', 'left_message', 'no_answer'] as const) : type === 'meeting' ? 'held' : null,
          links,
        });
        activities += 1;
      }
    }
    if (deps.tasks && deal.status === 'open' && rng.next() < 0.5) {
      await deps.tasks.create(ctx, {
        title: rng.pick(v.taskTitles),
        dueDate: isoDay(rng.int(-5, 14)),
        assigneeId: options.ownerUserId,
        link: { entity: 'deal', id: deal.id },
        priority: rng.weighted(['low', 'normal', 'high'] as const, [1, 3, 1]),
      });
      tasks += 1;
    }
  }
  return { people: created.length, organizations: orgs.length, deals: dealCount, activities, tasks };
}
