import { createHash, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AppError } from '../../src/errors.ts';
import { builtinRoles } from '../../src/identity/permissions.ts';
import { createPrivacyKernel, type PrivacyKernel } from '../../src/kernel/gate/create-privacy-kernel.ts';
import type { ProcessingContext } from '../../src/kernel/gate/processing-context.ts';
import { eraseStanding } from '../../src/kernel/standing/erase-standing.ts';
import { testDialects } from '../support/test-database.ts';
import { useTestApp } from '../support/test-app.ts';

const admin = { type: 'user' as const, id: 'admin-user' };

describe.each(testDialects)('processing gate on %s', (dialect) => {
  const app = useTestApp(dialect);
  let kernel: PrivacyKernel | undefined;
  const k = (): PrivacyKernel => {
    const { t, clock } = app();
    kernel ??= createPrivacyKernel({
      dialect: t.db.dialect,
      clock,
      // Stand-in for the people area's lookup: a pseudonym derived here only for the test.
      pseudonymsOf: async (_db, _ws, ids) => new Map(ids.map((id) => [id, `ps-${id.slice(0, 8)}`])),
    });
    return kernel;
  };
  const db = () => app().t.db.kysely;
  const ctx = (purpose: string, role = builtinRoles.sales): ProcessingContext => ({
    workspaceId: app().workspaceId,
    actor: { type: 'user', id: 'u1' },
    purpose,
    role,
    requestId: 'req-1',
  });
  const actorCtx = () => ({ workspaceId: app().workspaceId, actor: admin });
  const lastAudit = () =>
    db()
      .selectFrom('audit_log')
      .selectAll()
      .where('workspace_id', '=', app().workspaceId)
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
  async function refusal(promise: Promise<unknown>): Promise<AppError> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!error) throw new Error('expected a refusal');
    return error as AppError;
  }

  it('seeds the five default purposes and the built-in requests purpose, marketing inactive, each at version 1', async () => {
    const purposes = await k().purposes.list(db(), app().workspaceId);
    expect(purposes.map((p) => p.key)).toEqual(['accounting', 'crm', 'data_subject_requests', 'email_marketing', 'sales', 'support']);
    const byKey = Object.fromEntries(purposes.map((p) => [p.key, p]));
    expect(byKey.email_marketing).toMatchObject({
      active: false,
      lawfulBasis: 'consent',
      directMarketing: true,
    });
    expect(byKey.crm).toMatchObject({ active: true, lawfulBasis: 'legitimate_interests' });
    expect(byKey.crm?.legitimateInterestAssessment).toBeTruthy();
    expect(byKey.sales?.lawfulBasis).toBe('contract');
    expect(byKey.accounting?.lawfulBasis).toBe('legal_obligation');
    for (const p of purposes) expect(p.version).toBe(1);
    const history = await k().purposes.versions(db(), app().workspaceId, 'crm');
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ version: 1, change: 'seed' });
  });

  it('seeds the built-in person attributes with their fideslang categories', async () => {
    const attributes = await k().catalogue.listAttributes(db(), app().workspaceId, 'person');
    expect(attributes.map((a) => [a.attribute, a.category, a.searchable])).toEqual([
      ['address', 'user.contact.address', false],
      ['email', 'user.contact.email', true],
      ['firstName', 'user.name.first', false],
      ['jobTitle', 'user.professional_information.job_title', false],
      ['lastName', 'user.name.last', false],
      ['notes', 'user.content.private', false],
      ['phone', 'user.contact.phone_number', true],
      ['sourceDetail', 'user.content.private', false],
    ]);
  });

  it('allows and writes one audit entry with the purpose and the pseudonym, never the person id', async () => {
    const personId = randomUUID();
    const allowance = await k().gate.check(db(), ctx('crm'), {
      personIds: [personId],
      operation: 'read',
      attributes: { entity: 'person', names: ['firstName', 'email'] },
    });
    expect(allowance.purpose.key).toBe('crm');
    expect(allowance.categories.map((c) => c.key).sort()).toEqual(['user.contact.email', 'user.name.first']);
    const entry = await lastAudit();
    expect(entry).toMatchObject({
      action: 'processing.read',
      outcome: 'allowed',
      purpose: 'crm',
      subject_pseudonym: `ps-${personId.slice(0, 8)}`,
      request_id: 'req-1',
    });
    expect(JSON.parse(entry.details)).toMatchObject({
      count: 1,
      operation: 'read',
      fields: ['firstName', 'email'],
    });
    expect(entry.details).not.toContain(personId);
  });

  it('writes one entry for a bulk operation, with the count and a SHA-256 digest of the ids', async () => {
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    const before = await lastAudit();
    await k().gate.check(db(), ctx('crm'), {
      personIds: ids,
      operation: 'export',
      categories: ['user.name'],
    });
    const after = await lastAudit();
    expect(Number(after.seq)).toBe(Number(before.seq) + 1);
    const details = JSON.parse(after.details);
    expect(details.count).toBe(3);
    expect(details.digest).toBe(
      createHash('sha256')
        .update([...ids].sort().join('\n'))
        .digest('hex'),
    );
    expect(after.subject_pseudonym).toBeNull();
    for (const id of ids) expect(after.details).not.toContain(id);
  });

  it('refuses an inactive purpose and keeps the denied entry even though the caller goes no further', async () => {
    const error = await refusal(
      k().gate.check(db(), ctx('email_marketing', builtinRoles.marketing), {
        personIds: [randomUUID()],
        operation: 'send',
        categories: ['user.contact.email'],
      }),
    );
    expect(error.code).toBe('PURPOSE_INACTIVE');
    const entry = await lastAudit();
    expect(entry).toMatchObject({ action: 'processing.send', outcome: 'denied', purpose: 'email_marketing' });
    expect(JSON.parse(entry.details).code).toBe('PURPOSE_INACTIVE');
  });

  it('run(): refuses without running the work, and commits the denied entry', async () => {
    let ran = false;
    const error = await refusal(
      k().gate.run(
        db(),
        ctx('accounting'),
        { personIds: [randomUUID()], operation: 'read', categories: ['user.name'] },
        async () => {
          ran = true;
        },
      ),
    );
    expect(error.code).toBe('ROLE_PURPOSE_DENIED');
    expect(ran).toBe(false);
    expect(await lastAudit()).toMatchObject({ outcome: 'denied', purpose: 'accounting' });
  });

  it('refuses unknown purposes and undeclared attributes, audited', async () => {
    expect(
      (
        await refusal(
          k().gate.check(db(), ctx('nope'), { personIds: [], operation: 'read', categories: ['user.name'] }),
        )
      ).code,
    ).toBe('PURPOSE_UNKNOWN');
    const undeclared = await refusal(
      k().gate.check(db(), ctx('crm'), {
        personIds: [],
        operation: 'write',
        attributes: { entity: 'person', names: ['email', 'shoeSize'] },
      }),
    );
    expect(undeclared.code).toBe('UNDECLARED_DATA');
    expect(undeclared.details.fields).toEqual(['shoeSize']);
    expect(await lastAudit()).toMatchObject({ outcome: 'denied', action: 'processing.write' });
  });

  it('minimisation: a write carrying categories the purpose does not cover is a 422 naming the fields', async () => {
    // jobTitle is a built-in attribute (user.professional_information.job_title).
    const error = await refusal(
      k().gate.check(db(), ctx('support', builtinRoles.privacy_officer), {
        personIds: [],
        operation: 'write',
        attributes: { entity: 'person', names: ['firstName', 'jobTitle'] },
      }),
    );
    expect(error.code).toBe('CATEGORY_NOT_IN_PURPOSE');
    expect(error.status).toBe(422);
    expect(error.details.fields).toEqual(['jobTitle']);
    // The same write under CRM is fine: CRM covers professional data, and sales' deprecated grant keys resolve.
    await k().gate.check(db(), ctx('crm'), {
      personIds: [],
      operation: 'write',
      attributes: { entity: 'person', names: ['firstName', 'jobTitle'] },
    });
  });

  it('follows consent: missing, given, withdrawn', async () => {
    const personId = randomUUID();
    await k().purposes.setActive(db(), actorCtx(), 'email_marketing', true);
    const send = () =>
      k().gate.check(db(), ctx('email_marketing', builtinRoles.marketing), {
        personIds: [personId],
        operation: 'send',
        categories: ['user.contact.email'],
      });
    expect((await refusal(send())).code).toBe('CONSENT_MISSING');
    await k().standing.recordConsent(db(), actorCtx(), personId, {
      purpose: 'email_marketing',
      state: 'given',
      method: 'web_form',
      noticeVersion: 'v1',
    });
    await send();
    await k().standing.recordConsent(db(), actorCtx(), personId, {
      purpose: 'email_marketing',
      state: 'withdrawn',
      method: 'email',
    });
    expect((await refusal(send())).code).toBe('CONSENT_MISSING');
    await k().purposes.setActive(db(), actorCtx(), 'email_marketing', false);
  });

  it('decides a bulk send on every person (one missing consent refuses it) and reads standing past 500 ids', async () => {
    await k().purposes.setActive(db(), actorCtx(), 'email_marketing', true);
    const ids = Array.from({ length: 1200 }, () => randomUUID());
    for (const id of ids) {
      await db()
        .insertInto('consent_events')
        .values({
          workspace_id: app().workspaceId,
          person_id: id,
          purpose_key: 'email_marketing',
          purpose_version: 1,
          state: 'given',
          method: 'import',
          notice_version: null,
          recorded_at: '2026-03-02T10:00:00.000Z',
          actor_type: 'system',
          actor_id: null,
        })
        .execute();
    }
    const send = (personIds: string[]) =>
      k().gate.check(db(), ctx('email_marketing', builtinRoles.marketing), {
        personIds,
        operation: 'send',
        categories: ['user.contact.email'],
      });
    await send(ids);
    expect(JSON.parse((await lastAudit()).details)).toMatchObject({ count: 1200 });
    const late = ids[1100]!;
    await k().standing.recordConsent(db(), actorCtx(), late, {
      purpose: 'email_marketing',
      state: 'withdrawn',
      method: 'email',
    });
    const error = await refusal(send(ids));
    expect(error.code).toBe('CONSENT_MISSING');
    expect(error.details.refusedCount).toBe(1);
    expect(JSON.stringify(error.details)).not.toContain(late);
    await k().purposes.setActive(db(), actorCtx(), 'email_marketing', false);
  });

  it('follows objections: pending pauses legitimate interests, rejected resumes; direct marketing is upheld at once', async () => {
    const personId = randomUUID();
    const read = () =>
      k().gate.check(db(), ctx('crm'), {
        personIds: [personId],
        operation: 'read',
        categories: ['user.name'],
      });
    const objection = await k().standing.raiseObjection(db(), actorCtx(), personId, { purpose: 'crm' });
    expect(objection.outcome).toBe('pending');
    expect((await refusal(read())).code).toBe('OBJECTED');
    await k().standing.decideObjection(db(), actorCtx(), personId, objection.id, 'rejected');
    await read();
    const marketing = await k().standing.raiseObjection(db(), actorCtx(), personId, {
      purpose: 'email_marketing',
    });
    expect(marketing.outcome).toBe('upheld');
  });

  it('follows restriction: storage only until lifted', async () => {
    const personId = randomUUID();
    const op = (operation: 'read' | 'store') =>
      k().gate.check(db(), ctx('crm'), { personIds: [personId], operation, categories: ['user.name'] });
    await k().standing.restrict(db(), actorCtx(), personId, 'accuracy_contested');
    expect((await refusal(op('read'))).code).toBe('RESTRICTED');
    await op('store');
    await k().standing.liftRestriction(db(), actorCtx(), personId);
    await op('read');
  });

  it('sees a purpose change at once (cache invalidated on change)', async () => {
    const check = () =>
      k().gate.check(db(), ctx('sales'), { personIds: [], operation: 'read', categories: ['user.name'] });
    await check();
    await k().purposes.setActive(db(), actorCtx(), 'sales', false);
    expect((await refusal(check())).code).toBe('PURPOSE_INACTIVE');
    await k().purposes.setActive(db(), actorCtx(), 'sales', true);
    await check();
  });

  it('another process sees a purpose change within the cache lifetime (2 s, on the injected clock)', async () => {
    const other = createPrivacyKernel({ dialect: app().t.db.dialect, clock: app().clock });
    const check = () =>
      other.gate.check(db(), ctx('support', builtinRoles.support), {
        personIds: [],
        operation: 'read',
        categories: ['user.name'],
      });
    await check();
    await k().purposes.setActive(db(), actorCtx(), 'support', false);
    await check(); // still cached in the other process
    app().clock.advance(2001);
    expect((await refusal(check())).code).toBe('PURPOSE_INACTIVE');
    await k().purposes.setActive(db(), actorCtx(), 'support', true);
    app().clock.advance(2001);
    await check();
  });

  it('standing: unknown persons answer 404 and erased ones 410, with nothing recorded', async () => {
    const erased = randomUUID();
    const known = randomUUID();
    const withPeople = createPrivacyKernel({
      dialect: app().t.db.dialect,
      clock: app().clock,
      personExists: async (_db, _ws, id) => (id === erased ? 'erased' : id === known),
    });
    const consent = (id: string) =>
      withPeople.standing.recordConsent(db(), actorCtx(), id, {
        purpose: 'email_marketing',
        state: 'given',
        method: 'api',
      });
    expect((await refusal(consent(erased))).code).toBe('GONE');
    expect((await refusal(consent(randomUUID()))).code).toBe('NOT_FOUND');
    expect((await refusal(withPeople.standing.restrict(db(), actorCtx(), erased, 'legal_claims'))).code).toBe(
      'GONE',
    );
    await consent(known);
    const rows = await db()
      .selectFrom('consent_events')
      .select('person_id')
      .where('person_id', '=', erased)
      .execute();
    expect(rows).toEqual([]);
  });

  it('eraseStanding removes every standing row of the person and only theirs', async () => {
    const gone = randomUUID();
    const kept = randomUUID();
    for (const id of [gone, kept]) {
      await k().standing.restrict(db(), actorCtx(), id, 'legal_claims');
      await k().standing.raiseObjection(db(), actorCtx(), id, { purpose: 'crm' });
      await k().standing.recordConsent(db(), actorCtx(), id, {
        purpose: 'email_marketing',
        state: 'given',
        method: 'paper',
      });
    }
    const counts = await db()
      .transaction()
      .execute((trx) => eraseStanding(trx, app().workspaceId, gone));
    expect(counts).toEqual({ consentEvents: 1, objections: 1, restrictions: 1 });
    for (const table of ['consent_events', 'objections', 'restrictions'] as const) {
      const rows = await db()
        .selectFrom(table)
        .select('person_id')
        .where('person_id', 'in', [gone, kept])
        .execute();
      expect(rows.map((r) => r.person_id)).toEqual([kept]);
    }
  });
});
