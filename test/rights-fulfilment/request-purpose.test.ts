import { describe, expect, it } from 'vitest';
import { isAppError } from '../../src/errors.ts';
import { builtinRoles } from '../../src/identity/permissions.ts';
import { systemClock } from '../../src/kernel/clock.ts';
import { seedRequestPurpose } from '../../src/kernel/purposes/purpose-register.ts';
import { requestPurposeKey } from '../../src/kernel/purposes/request-purpose.ts';
import { useChannelsTestApp, type ChannelsTestApp } from '../consent-channels/channels-test-app.ts';
import { insertTokenForRole } from '../support/owner-token.ts';
import { testDialects } from '../support/test-database.ts';
import {
  createPerson,
  currentRequest,
  fulfil,
  portalView,
  verifiedRequest,
  type Json,
} from './fulfilment-test-helpers.ts';

async function restrict(c: ChannelsTestApp, personId: string) {
  const res = await c.app.inject({
    method: 'PUT',
    url: `/api/v1/people/${personId}/restriction`,
    headers: c.as.privacy_officer,
    payload: { reason: 'accuracy_contested' },
  });
  expect(res.statusCode, res.body).toBe(201);
}

async function auditEntries(c: ChannelsTestApp, action: string) {
  const rows = await c.t.db.kysely
    .selectFrom('audit_log')
    .selectAll()
    .where('workspace_id', '=', c.workspaceId)
    .where('action', '=', action)
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({ ...r, details: JSON.parse(r.details) as Json }));
}

describe.each(testDialects)('the built-in data subject requests purpose on %s (ADR 0034)', (dialect) => {
  const ctx = useChannelsTestApp(dialect);

  it('is seeded in the workspace, active, flagged, and cannot be deactivated', async () => {
    const c = ctx();
    const db = c.t.db.kysely;
    const purpose = await c.services.purposes.getOrThrow(db, c.workspaceId, requestPurposeKey);
    expect(purpose).toMatchObject({
      lawfulBasis: 'legal_obligation',
      active: true,
      answersRequests: true,
      requiredCategories: ['user'],
    });
    const refused = await c.services.purposes
      .setActive(db, c.system, requestPurposeKey, false)
      .catch((e: unknown) => e);
    expect(isAppError(refused) && refused.code).toBe('CONFLICT');
    const patched = await c.app.inject({
      method: 'PATCH',
      url: `/api/v1/purposes/${requestPurposeKey}`,
      headers: c.as.owner,
      payload: { active: false },
    });
    expect(patched.statusCode, patched.body).toBe(409);
    expect(patched.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((await c.services.purposes.getOrThrow(db, c.workspaceId, requestPurposeKey)).active).toBe(true);
    // The API marks it, so the console can show it as built in (and offer no Deactivate); other purposes are not.
    const listed = await c.app.inject({ method: 'GET', url: '/api/v1/purposes', headers: c.as.owner });
    const items = listed.json<{ items: Array<{ key: string; answersRequests: boolean }> }>().items;
    expect(items.filter((p) => p.answersRequests).map((p) => p.key)).toEqual([requestPurposeKey]);
    expect(items.length).toBeGreaterThan(1);
    // Other fields may still change, and the flag survives the new version.
    const renamed = await c.services.purposes.update(db, c.system, requestPurposeKey, {
      recipients: ['Our lawyers'],
    });
    expect(renamed).toMatchObject({ version: purpose.version + 1, answersRequests: true, active: true });
  });

  it('completes a restricted person’s access request with no purpose set up, audited under the built-in purpose', async () => {
    const c = ctx();
    const personId = await createPerson(c, { firstName: 'Rita', lastName: 'Restricted', email: 'rita@example.test' });
    await restrict(c, personId);
    // The person cannot be read under the workspace's ordinary purposes.
    const read = await c.app.inject({ method: 'GET', url: `/api/v1/people/${personId}`, headers: c.as.owner });
    expect(read.json().code).toBe('RESTRICTED');

    const r = await verifiedRequest(c, 'access', 'rita@example.test');
    expect(r.personId).toBe(personId);
    const res = await fulfil(c, r.id, 'export');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ released: true, request: { status: 'completed' } });
    expect(await c.services.requests.readResult(c.t.db.kysely, c.workspaceId, r.id)).not.toBeNull();

    const [entry] = (await auditEntries(c, 'person.access_export')).slice(-1);
    expect(entry).toMatchObject({ outcome: 'allowed', purpose: requestPurposeKey });
    expect(entry?.details).toMatchObject({ operation: 'export', answeringRequest: r.id });
    // Still restricted for everything else.
    const again = await c.app.inject({ method: 'GET', url: `/api/v1/people/${personId}`, headers: c.as.owner });
    expect(again.json().code).toBe('RESTRICTED');
  });

  it('rectifies a person restricted while the accuracy is checked (Art. 18(1)(a)) under the built-in purpose', async () => {
    const c = ctx();
    const personId = await createPerson(c, { firstName: 'Rex', lastName: 'Wrong', email: 'rex.h5@example.test' });
    await restrict(c, personId);
    const r = await verifiedRequest(c, 'rectification', 'rex.h5@example.test', {
      rectification: { lastName: 'Right' },
    });
    const res = await fulfil(c, r.id, 'rectification', {
      decisions: [{ field: 'lastName', decision: 'approve', reason: 'Checked' }],
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ applied: ['lastName'], request: { status: 'completed' } });
    const rows = await c.t.db.kysely
      .selectFrom('audit_log')
      .select(['purpose', 'outcome', 'details'])
      .where('workspace_id', '=', c.workspaceId)
      .where('purpose', '=', requestPurposeKey)
      .execute();
    const writes = rows.map((e) => JSON.parse(e.details) as Json).filter((d) => d.operation === 'write');
    expect(writes).toEqual([expect.objectContaining({ answeringRequest: r.id })]);
  });

  it('is refused to a sales role, and to anyone outside a request being answered', async () => {
    const c = ctx();
    const db = c.t.db.kysely;
    const personId = await createPerson(c, { firstName: 'Sam', email: 'sam.h5@example.test' });
    const sales = { authorization: `Bearer ${(await insertTokenForRole(db, c.workspaceId, 'sales')).token}` };
    const asSales = await c.app.inject({
      method: 'GET',
      url: `/api/v1/people/${personId}`,
      headers: { ...sales, 'custodian-purpose': requestPurposeKey },
    });
    expect(asSales.statusCode, asSales.body).toBe(403);
    expect(asSales.json().code).toBe('ROLE_PURPOSE_DENIED');
    // Even when a request about that very person is being answered.
    const r = await verifiedRequest(c, 'access', 'sam.h5@example.test');
    const salesCtx = {
      workspaceId: c.workspaceId,
      actor: { type: 'system' as const, id: 'test' },
      purpose: requestPurposeKey,
      role: builtinRoles.sales,
      answering: { requestId: r.id, personIds: [personId] },
    };
    const refused = await c.services.people.get(salesCtx, personId).catch((e: unknown) => e);
    expect(isAppError(refused) && refused.code).toBe('ROLE_PURPOSE_DENIED');
    // A role that handles requests, choosing the purpose by header, is not answering a request: refused too.
    const byHeader = await c.app.inject({
      method: 'GET',
      url: `/api/v1/people/${personId}`,
      headers: { ...c.as.privacy_officer, 'custodian-purpose': requestPurposeKey },
    });
    expect(byHeader.statusCode, byHeader.body).toBe(403);
    expect(byHeader.json().code).toBe('ROLE_PURPOSE_DENIED');
    const denied = (await auditEntries(c, 'processing.read')).filter(
      (e) => e.purpose === requestPurposeKey && e.outcome === 'denied',
    );
    expect(denied.length).toBeGreaterThanOrEqual(2);
    expect((await currentRequest(c, r.id)).status).toBe('verified');
  });

  it('takes over a workspace purpose of the same key with a new version (migration 0170 on older workspaces)', async () => {
    const c = ctx();
    const db = c.t.db.kysely;
    // As if the workspace had made its own purpose of that key before the built-in one existed.
    await db
      .updateTable('purposes')
      .set({ answers_requests: 0, active: 0, lawful_basis: 'legitimate_interests' })
      .where('workspace_id', '=', c.workspaceId)
      .where('key', '=', requestPurposeKey)
      .execute();
    const before = await db
      .selectFrom('purposes')
      .select('version')
      .where('workspace_id', '=', c.workspaceId)
      .where('key', '=', requestPurposeKey)
      .executeTakeFirstOrThrow();
    await db.transaction().execute((trx) => seedRequestPurpose(trx, c.workspaceId, systemClock));
    c.services.purposes.invalidate(c.workspaceId);
    const after = await c.services.purposes.getOrThrow(db, c.workspaceId, requestPurposeKey);
    expect(after).toMatchObject({
      version: Number(before.version) + 1,
      active: true,
      answersRequests: true,
      lawfulBasis: 'legal_obligation',
    });
    const history = await c.services.purposes.versions(db, c.workspaceId, requestPurposeKey);
    expect(history[0]?.change).toBe('builtin');
    // Seeding again changes nothing.
    await db.transaction().execute((trx) => seedRequestPurpose(trx, c.workspaceId, systemClock));
    expect((await c.services.purposes.versions(db, c.workspaceId, requestPurposeKey)).length).toBe(history.length);
  });
  it('gate-checks and audits every read of the requester’s email, with the pseudonym and no value', async () => {
    const c = ctx();
    const db = c.t.db.kysely;
    const personId = await createPerson(c, { firstName: 'Eve', email: 'eve.contact@example.test' });
    const r = await verifiedRequest(c, 'access', 'eve.contact@example.test');
    const pseudonym = (
      await db.selectFrom('persons').select('pseudonym').where('id', '=', personId).executeTakeFirstOrThrow()
    ).pseudonym;
    const declared = await c.services.catalogue.assertDeclared(db, c.workspaceId, 'request', ['requesterEmail']);
    expect(declared[0]).toMatchObject({ category: 'user.contact.email', source: 'provided', retention: 'P3Y' });

    const before = (await auditEntries(c, 'request.contact_read')).length;
    const res = await c.app.inject({
      method: 'GET',
      url: `/api/v1/requests/${r.id}/requester`,
      headers: c.as.privacy_officer,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().email).toBe('eve.contact@example.test');
    // The system mailing the requester reads it through the gate too.
    const mailed = await c.services.requests.contactOf(db, c.workspaceId, r.id);
    expect(mailed?.email).toBe('eve.contact@example.test');

    const entries = (await auditEntries(c, 'request.contact_read')).slice(before);
    expect(entries).toHaveLength(2);
    for (const e of entries) {
      expect(e).toMatchObject({
        outcome: 'allowed',
        purpose: requestPurposeKey,
        resource_type: 'request',
        resource_id: r.id,
        subject_pseudonym: pseudonym,
      });
      expect(e.details).toMatchObject({ operation: 'read', fields: ['requesterEmail'], answeringRequest: r.id });
      expect(JSON.stringify(e)).not.toContain('eve.contact@example.test');
    }
    expect(entries.map((e) => [e.actor_type, e.details.reader])).toEqual([
      ['token', 'staff'],
      ['system', 'mail'],
    ]);
  });

  it('refuses the requester’s email to a reader whose role does not handle requests, and audits the refusal', async () => {
    const c = ctx();
    const db = c.t.db.kysely;
    await createPerson(c, { firstName: 'Ivy', email: 'ivy.contact@example.test' });
    const r = await verifiedRequest(c, 'access', 'ivy.contact@example.test');
    const salesReader = {
      workspaceId: c.workspaceId,
      actor: { type: 'system' as const, id: 'test' },
      purpose: requestPurposeKey,
      role: builtinRoles.sales,
    };
    const refused = await c.services.requests.contactOf(db, c.workspaceId, r.id, salesReader).catch((e: unknown) => e);
    expect(isAppError(refused) && refused.code).toBe('ROLE_PURPOSE_DENIED');
    expect(JSON.stringify(refused)).not.toContain('ivy.contact@example.test');
    const denied = await c.t.db.kysely
      .selectFrom('audit_log')
      .select(['outcome', 'purpose', 'details'])
      .where('workspace_id', '=', c.workspaceId)
      .where('resource_type', '=', 'request')
      .where('outcome', '=', 'denied')
      .execute();
    expect(denied.map((d) => JSON.parse(d.details).code)).toContain('ROLE_PURPOSE_DENIED');
  });

  it('tells the outcome in the request’s language: French for a request made in French', async () => {
    const c = ctx();
    await createPerson(c, { firstName: 'Léa', email: 'lea.fr@example.test' });
    const logged = await c.app.inject({
      method: 'POST',
      url: '/api/v1/requests',
      headers: c.as.privacy_officer,
      payload: {
        type: 'restriction',
        channel: 'email',
        email: 'lea.fr@example.test',
        identityMethod: 'staff_known_contact',
        language: 'fr',
      },
    });
    expect(logged.statusCode, logged.body).toBe(201);
    const id = logged.json().id as string;
    const res = await fulfil(c, id, 'restriction', { reason: 'accuracy_contested' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().request.status).toBe('completed');
    const outcome = (await portalView(c, id)).outcome as string[];
    // Both sentences share one instant: their order is not fixed.
    expect(outcome).toContain(
      'Nous avons limité le traitement de vos données le temps de vérifier l’exactitude de vos données (art. 18(1)(a)) : nous ne faisons que les conserver, ou les utiliser pour des droits en justice, et nous vous préviendrons avant de lever la limitation.',
    );
    expect(outcome).toEqual(expect.arrayContaining([expect.stringMatching(/^Nous (ne communiquons|en informons)/)]));
    expect(outcome.join(' ')).not.toMatch(/\bWe\b/);
  });
});
