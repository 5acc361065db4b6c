import { describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema.ts';
import { AppError } from '../../src/errors.ts';
import { createScheduler } from '../../src/jobs/scheduler.ts';
import { verifyAuditChain } from '../../src/kernel/audit/verify-audit-chain.ts';
import { retentionSweepJob } from '../../src/rights/retention/retention-sweep-job.ts';
import { testDialects } from '../support/test-database.ts';
import type { PeopleTestApp } from '../kernel-people/people-test-app.ts';
import { createPerson, createPolicy, days, json, sweep, useFreshRetentionApp } from './retention-test-app.ts';

/** A person with something in every table an eraser empties (contact points, tags, standing, activity, task, deal). */
async function richPerson(
  c: PeopleTestApp,
  n: string,
  dealId: string,
): Promise<{ id: string; pseudonym: string }> {
  const p = await createPerson(c, {
    firstName: `Twin${n}`,
    lastName: 'Example',
    emails: [{ value: `twin${n}@work.example`, primary: true }, { value: `twin${n}@home.example` }],
    phones: [{ value: `+44 20 7946 00${n}0` }],
    tags: ['vip'],
    notes: 'Met at the fair',
  });
  const inject = (url: string, payload: object) =>
    c.app.inject({ method: 'POST', url, headers: { ...c.as.owner, ...json }, payload });
  expect(
    (
      await inject('/api/v1/activities', {
        type: 'call',
        subject: 'Intro call',
        occurredAt: '2026-03-01T09:00:00.000Z',
        links: [
          { entity: 'person', id: p.id },
          { entity: 'deal', id: dealId },
        ],
      })
    ).statusCode,
  ).toBe(201);
  expect(
    (await inject('/api/v1/tasks', { title: 'Send the offer', link: { entity: 'person', id: p.id } }))
      .statusCode,
  ).toBe(201);
  await c.t.db.kysely
    .insertInto('deal_people')
    .values({
      workspace_id: c.workspaceId,
      deal_id: dealId,
      person_id: p.id,
      created_at: c.clock.now().toISOString(),
    })
    .execute();
  await c.t.db.kysely
    .insertInto('consent_events')
    .values({
      workspace_id: c.workspaceId,
      person_id: p.id,
      purpose_key: 'email_marketing',
      purpose_version: 1,
      state: 'given',
      method: 'web_form',
      notice_version: null,
      recorded_at: '2026-03-01T10:00:00.000Z',
      actor_type: 'system',
      actor_id: null,
    })
    .execute();
  return p;
}

/** What is left about one person, table by table (counts and the shape of the person row). */
async function leftovers(db: Kysely<Database>, personId: string) {
  const count = async (q: { execute(): Promise<unknown[]> }) => (await q.execute()).length;
  const run = await db
    .selectFrom('erasure_runs')
    .select(['id', 'status'])
    .where('person_id', '=', personId)
    .executeTakeFirstOrThrow();
  const person = await db
    .selectFrom('persons')
    .selectAll()
    .where('id', '=', personId)
    .executeTakeFirstOrThrow();
  return {
    values: [
      person.first_name,
      person.last_name,
      person.email,
      person.phone,
      person.job_title,
      person.notes,
      person.lifecycle_stage,
    ],
    erased: person.erased_at !== null,
    erasing: person.erasing_run_id,
    runStatus: run.status,
    contactPoints: await count(
      db.selectFrom('person_contact_points').select('id').where('person_id', '=', personId),
    ),
    tags: await count(db.selectFrom('person_tags').select('tag').where('person_id', '=', personId)),
    provenance: await count(
      db.selectFrom('person_field_provenance').select('field').where('person_id', '=', personId),
    ),
    blindIndexes: await count(
      db.selectFrom('person_blind_indexes').select('field').where('person_id', '=', personId),
    ),
    consentEvents: await count(
      db.selectFrom('consent_events').select('id').where('person_id', '=', personId),
    ),
    consentRecords: await count(
      db.selectFrom('consent_records').select('person_id').where('person_id', '=', personId),
    ),
    dealPeople: await count(db.selectFrom('deal_people').select('deal_id').where('person_id', '=', personId)),
    activityLinks: await count(
      db
        .selectFrom('activity_links')
        .select('activity_id')
        .where('entity', '=', 'person')
        .where('record_id', '=', personId),
    ),
    keyedActivities: await count(
      db.selectFrom('activities').select('id').where('key_person_id', '=', personId),
    ),
    tasks: await count(
      db
        .selectFrom('tasks')
        .select('id')
        .where('linked_entity', '=', 'person')
        .where('linked_id', '=', personId),
    ),
    suppressions: (await db.selectFrom('suppressions').select('kind').where('run_id', '=', run.id).execute())
      .map((r) => r.kind)
      .sort(),
    keyDestroyed:
      (
        await db
          .selectFrom('person_keys')
          .select('destroyed_at')
          .where('person_id', '=', personId)
          .executeTakeFirstOrThrow()
      ).destroyed_at !== null,
  };
}

describe.each(testDialects)('batched erasure and the sweep job on %s', (dialect) => {
  const ctx = useFreshRetentionApp(dialect);

  it('the batch leaves exactly what the per-person pipeline leaves, table by table, and its certificates verify', async () => {
    const c = ctx();
    const deal = await c.app.inject({
      method: 'POST',
      url: '/api/v1/deals',
      headers: { ...c.as.owner, ...json },
      payload: { title: 'Shared deal', amount: 900 },
    });
    const dealId = deal.json().id as string;
    const one = await richPerson(c, '1', dealId);
    const two = await richPerson(c, '2', dealId);
    const three = await richPerson(c, '3', dealId);
    const single = await c.app.inject({
      method: 'DELETE',
      url: `/api/v1/people/${one.id}`,
      headers: c.as.owner,
    });
    expect(single.statusCode, single.body).toBe(200);
    const result = await c.services.retention.batchErasure.erasePeople({
      workspaceId: c.workspaceId,
      personIds: [two.id, three.id],
      trigger: 'retention',
      mode: 'delete',
      actor: { type: 'system', id: 'test' },
    });
    expect(result.done.map((d) => d.personId).sort()).toEqual([two.id, three.id].sort());
    const viaPipeline = await leftovers(c.t.db.kysely, one.id);
    const viaBatch = await leftovers(c.t.db.kysely, two.id);
    expect(viaBatch).toEqual(viaPipeline);
    expect(await leftovers(c.t.db.kysely, three.id)).toEqual(viaPipeline);
    expect(viaBatch).toMatchObject({
      erased: true,
      contactPoints: 0,
      tasks: 0,
      keyedActivities: 0,
      suppressions: ['email', 'email', 'phone'],
      keyDestroyed: true,
    });
    const certs = await c.t.db.kysely
      .selectFrom('erasure_certificates')
      .select(['id', 'steps', 'subject_pseudonym'])
      .execute();
    const stepsOf = (pseudonym: string) =>
      JSON.parse(certs.find((x) => x.subject_pseudonym === pseudonym)?.steps ?? '[]') as string[];
    expect(stepsOf(two.pseudonym)).toEqual(stepsOf(one.pseudonym));
    expect(stepsOf(three.pseudonym)).toEqual(stepsOf(one.pseudonym));
    expect(certs).toHaveLength(3);
    for (const cert of certs) {
      const res = await c.app.inject({
        method: 'GET',
        url: `/api/v1/erasure-certificates/${cert.id}`,
        headers: c.as.owner,
      });
      expect(res.json().verified).toBe(true);
    }
    // Lookups by the erased identifiers find nobody; the key cache holds nothing for them.
    const search = await c.app.inject({
      method: 'GET',
      url: `/api/v1/people?email=${encodeURIComponent('twin2@home.example')}`,
      headers: c.as.owner,
    });
    expect(search.json().items ?? []).toEqual([]);
    await expect(c.services.keys.getDataKey(c.t.db.kysely, c.workspaceId, two.id)).rejects.toMatchObject({
      code: 'KEY_DESTROYED',
    });
    expect((await verifyAuditChain(c.t.db, { workspaceId: c.workspaceId })).ok).toBe(true);
  });

  it('two schedulers on one database run the sweep once per period', async () => {
    const c = ctx();
    const p = await createPerson(c);
    await createPolicy(c, { name: 'All', period: 'P1D', startEvent: 'creation', action: 'delete' });
    c.clock.advance(days(2));
    const job = retentionSweepJob({ db: c.t.db, sweeper: c.services.retention.sweeper });
    const a = createScheduler({ db: c.t.db, clock: c.clock, holderId: 'process-a', jobs: [job] });
    const b = createScheduler({ db: c.t.db, clock: c.clock, holderId: 'process-b', jobs: [job] });
    const results = await Promise.all([a.tick(), b.tick()]);
    expect(
      results
        .flat()
        .map((r) => r.status)
        .sort(),
    ).toEqual(['leased-elsewhere', 'ran']);
    expect(await b.tick()).toEqual([]);
    const sweeps = await c.t.db.kysely.selectFrom('retention_sweeps').selectAll().execute();
    expect(sweeps).toEqual([
      expect.objectContaining({ trigger: 'schedule', status: 'completed', erased: 1, dry_run: 0 }),
    ]);
    expect(
      (
        await c.t.db.kysely
          .selectFrom('persons')
          .select('erased_at')
          .where('id', '=', p.id)
          .executeTakeFirstOrThrow()
      ).erased_at,
    ).not.toBeNull();
    const events = await c.t.db.kysely
      .selectFrom('audit_log')
      .select('action')
      .where('action', '=', 'retention.sweep')
      .execute();
    expect(events).toHaveLength(1);
  });

  it('refuses a second sweep while one holds the workspace lease, recording nothing', async () => {
    const c = ctx();
    await c.t.db.kysely
      .insertInto('job_leases')
      .values({
        name: `retention.sweep:${c.workspaceId}`,
        holder: 'another-process',
        expires_at: new Date(c.clock.now().getTime() + 60_000).toISOString(),
      })
      .execute();
    const res = await c.app.inject({
      method: 'POST',
      url: '/api/v1/retention/sweeps',
      headers: { ...c.as.privacy_officer, ...json },
      payload: {},
    });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'RETENTION_SWEEP_RUNNING' });
    expect(await c.t.db.kysely.selectFrom('retention_sweeps').selectAll().execute()).toEqual([]);
    c.clock.advance(120_000);
    expect((await sweep(c)).status).toBe('completed');
  });

  it('one person failing does not stop the others: the batch is retried person by person and the failure counted', async () => {
    const c = ctx();
    const people = [];
    for (let i = 0; i < 4; i += 1)
      people.push(await createPerson(c, { firstName: `F${i}`, email: `f${i}@example.test` }));
    const bad = people[2] as { id: string };
    c.services.erasure.erasers.register({
      name: 'test-failing',
      async erase(_trx, target) {
        if (target.personId === bad.id) throw new AppError('CONFLICT', { detail: 'injected failure' });
        return { erased: 0 };
      },
    });
    await createPolicy(c, { name: 'All', period: 'P1D', startEvent: 'creation', action: 'anonymise' });
    c.clock.advance(days(2));
    const run = await sweep(c);
    expect(run).toMatchObject({ due: 4, anonymised: 3, failed: 1, status: 'completed' });
    const row = await c.t.db.kysely
      .selectFrom('persons')
      .select(['erased_at', 'email', 'erasing_run_id'])
      .where('id', '=', bad.id)
      .executeTakeFirstOrThrow();
    expect(row.erased_at).toBeNull();
    expect(row.email).not.toBeNull();
    expect(row.erasing_run_id).toBeNull();
    expect(
      (
        await c.t.db.kysely
          .selectFrom('person_keys')
          .select('destroyed_at')
          .where('person_id', '=', bad.id)
          .executeTakeFirstOrThrow()
      ).destroyed_at,
    ).toBeNull();
    expect(
      await c.services.suppression.matches(c.t.db.kysely, c.workspaceId, { email: 'f2@example.test' }),
    ).toEqual([]);
    expect((await verifyAuditChain(c.t.db, { workspaceId: c.workspaceId })).ok).toBe(true);
  });
});
