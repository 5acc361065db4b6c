import { describe, expect, it } from 'vitest';
import { portalOutboxJob } from '../../src/rights/portal/portal-outbox-job.ts';
import { testDialects } from '../support/test-database.ts';
import { useChannelsTestApp, type ChannelsTestApp } from '../consent-channels/channels-test-app.ts';
import {
  auditEntries,
  codeIn,
  portalFixture,
  portalLinkIn,
  submitRequest,
  verifyCode,
  waitForMails,
} from './portal-test-app.ts';

/** Submits and verifies a request; returns its id, status URL and the requester's address. */
async function verifiedRequest(
  c: ChannelsTestApp,
  email: string,
  ip: string,
  body: Record<string, unknown> = {},
) {
  const { verification } = (await submitRequest(c, { email, ...body }, { ip })).json() as {
    verification: string;
  };
  const [mail] = await waitForMails(c, email, 1);
  const res = await verifyCode(c, verification, codeIn(mail!), { ip });
  if (res.statusCode !== 200) throw new Error(`not verified: ${res.body}`);
  const row = await c.t.db.kysely
    .selectFrom('portal_verifications')
    .select('request_id')
    .where('id', '=', verification)
    .executeTakeFirstOrThrow();
  return { requestId: row.request_id, statusUrl: (res.json() as { statusUrl: string }).statusUrl };
}

/** Staff build the export and complete the request (through the request service, as the fulfilment panel does). */
async function completeWithResult(c: ChannelsTestApp, requestId: string) {
  const staff = { ...c.system, actor: { type: 'system' as const, id: 'staff-test' } };
  await c.t.db.kysely.transaction().execute(async (trx) => {
    const current = await c.services.requests.get(trx, c.workspaceId, requestId);
    if (current.status !== 'in_progress')
      await c.services.requests.transition(trx, staff, requestId, 'in_progress');
    await c.services.requests.storeResult(trx, staff, requestId, {
      filename: 'access-export.zip',
      contentType: 'application/zip',
      body: Buffer.from('PK-fake-zip-for-test'),
    });
    await c.services.requests.transition(trx, staff, requestId, 'completed');
  });
}

describe.each(testDialects)(
  'privacy portal: status, download links and requester emails on %s',
  (dialect) => {
    const ctx = useChannelsTestApp(dialect);

    it('emails the person when the request completes, with a status link and a 7-day download link, in their language', async () => {
      const c = ctx();
      const email = 'completed.person@example.org';
      const { requestId } = await verifiedRequest(c, email, '203.0.113.21', { language: 'de' });
      await completeWithResult(c, requestId);
      expect(await c.services.privacyPortal.drainOutbox()).toBe(1);
      expect(await c.services.privacyPortal.drainOutbox()).toBe(0);
      const mails = await waitForMails(c, email, 3);
      const done = mails[2]!;
      expect(done.text).toContain('abgeschlossen');
      const status = portalLinkIn(done, 'status');
      const download = portalLinkIn(done, 'download');
      const page = await c.app.inject({
        method: 'GET',
        url: `/privacy/${status.workspaceId}/status/${status.token}`,
      });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('Abgeschlossen');
      expect(page.body).toContain('Meine Daten herunterladen');
      const file = await c.app.inject({
        method: 'GET',
        url: `/privacy/${download.workspaceId}/download/${download.token}`,
      });
      expect(file.statusCode).toBe(200);
      expect(file.headers['content-type']).toBe('application/zip');
      expect(file.headers['content-disposition']).toBe('attachment; filename="access-export.zip"');
      expect(file.rawPayload.toString()).toBe('PK-fake-zip-for-test');
      expect((await auditEntries(c, 'portal.result_downloaded')).length).toBeGreaterThanOrEqual(1);
      const timeline = await c.services.requests.timeline(c.t.db.kysely, c.workspaceId, requestId);
      expect(timeline.some((s) => s.kind === 'email_sent')).toBe(true);
    });

    it('mints a download link from the status page, which expires after 7 days with the same 404 as a guessed one', async () => {
      const c = ctx();
      const { requestId, statusUrl } = await verifiedRequest(
        c,
        'download.expiry@example.org',
        '203.0.113.22',
      );
      const form = { 'content-type': 'application/x-www-form-urlencoded' };
      const early = await c.app.inject({
        method: 'POST',
        url: `${statusUrl}/download`,
        headers: form,
        payload: '',
      });
      expect(early.statusCode).toBe(404); // nothing stored yet
      // A file stored while the request is still being handled does not leave before completion.
      await c.t.db.kysely.transaction().execute(async (trx) => {
        await c.services.requests.transition(trx, c.system, requestId, 'in_progress');
        await c.services.requests.storeResult(trx, c.system, requestId, {
          filename: 'draft.zip',
          contentType: 'application/zip',
          body: Buffer.from('draft'),
        });
      });
      const draft = await c.app.inject({
        method: 'POST',
        url: `${statusUrl}/download`,
        headers: form,
        payload: '',
      });
      expect(draft.statusCode).toBe(404);
      await completeWithResult(c, requestId);
      const minted = await c.app.inject({
        method: 'POST',
        url: `${statusUrl}/download`,
        headers: form,
        payload: '',
      });
      expect(minted.statusCode).toBe(303);
      const location = String(minted.headers.location);
      expect((await c.app.inject({ method: 'GET', url: location })).statusCode).toBe(200);
      c.clock.advance(7 * 86_400_000 + 1000);
      const expired = await c.app.inject({ method: 'GET', url: location });
      const guessed = await c.app.inject({
        method: 'GET',
        url: `/privacy/${c.workspaceId}/download/AAAAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA`,
      });
      for (const res of [expired, guessed]) {
        expect(res.statusCode).toBe(404);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(res.json()).toMatchObject({ code: 'NOT_FOUND', resource: 'portal_link' });
      }
      const { requestId: _a, ...expiredBody } = expired.json() as Record<string, unknown>;
      const { requestId: _b, ...guessedBody } = guessed.json() as Record<string, unknown>;
      expect({ ...expiredBody, instance: '' }).toEqual({ ...guessedBody, instance: '' });
      const reasons = (await auditEntries(c, 'portal.link_refused'))
        .slice(-2)
        .map((e) => (JSON.parse(String(e.details)) as { reason: string }).reason);
      expect(reasons).toEqual(['expired', 'forged']);
      // A day later the expired download link is swept; the status link (100 days) stays.
      c.clock.advance(86_400_000 + 1000);
      expect(await c.services.privacyPortal.sweepExpired()).toBeGreaterThanOrEqual(1);
      const kinds = await c.t.db.kysely
        .selectFrom('portal_links')
        .select('kind')
        .where('request_id', '=', requestId)
        .execute();
      expect(kinds.map((k) => k.kind)).toEqual(['status']);
    });

    it("refuses status and download links under another workspace's address, audited there", async () => {
      const c = ctx();
      const fixture = await portalFixture(c, 'cross.links@example.org');
      const { requestId, statusUrl } = await verifiedRequest(c, 'links.owner@example.org', '203.0.113.23');
      await completeWithResult(c, requestId);
      const token = statusUrl.split('/').pop()!;
      const status = await c.app.inject({
        method: 'GET',
        url: `/privacy/${fixture.otherWorkspaceId}/status/${token}`,
      });
      expect(status.statusCode).toBe(404);
      const minted = await c.app.inject({ method: 'POST', url: `${statusUrl}/download`, payload: {} });
      const downloadUrl = (minted.json() as { downloadUrl: string }).downloadUrl;
      const downloadToken = downloadUrl.split('/').pop()!;
      const download = await c.app.inject({
        method: 'GET',
        url: `/privacy/${fixture.otherWorkspaceId}/download/${downloadToken}`,
      });
      expect(download.statusCode).toBe(404);
      expect(download.json()).toMatchObject({ code: 'NOT_FOUND', resource: 'portal_link' });
      // A status token is no download token.
      expect(
        (await c.app.inject({ method: 'GET', url: `/privacy/${c.workspaceId}/download/${token}` }))
          .statusCode,
      ).toBe(404);
      const refused = await auditEntries(c, 'portal.link_refused', fixture.otherWorkspaceId);
      expect(refused.map((e) => (JSON.parse(String(e.details)) as { reason: string }).reason)).toEqual([
        'other_workspace',
        'other_workspace',
      ]);
      expect(JSON.stringify(refused)).not.toContain('links.owner@example.org');
    });

    it('emails a refusal with the reason on the status page', async () => {
      const c = ctx();
      const email = 'refused.person@example.org';
      const { requestId } = await verifiedRequest(c, email, '203.0.113.24');
      await c.services.privacyPortal.drainOutbox(); // earlier tests' completions
      await c.t.db.kysely
        .transaction()
        .execute((trx) =>
          c.services.requests.transition(
            trx,
            c.system,
            requestId,
            'refused',
            'Manifestly unfounded: repeated identical requests',
          ),
        );
      await portalOutboxJob({ portal: c.services.privacyPortal }).run(); // the scheduled job
      expect(await c.services.privacyPortal.drainOutbox()).toBe(0);
      const mails = await waitForMails(c, email, 3);
      expect(mails[2]!.text).toContain('refused');
      const status = portalLinkIn(mails[2]!, 'status');
      const page = await c.app.inject({
        method: 'GET',
        url: `/privacy/${status.workspaceId}/status/${status.token}`,
      });
      expect(page.body).toContain('Manifestly unfounded');
      expect(() => portalLinkIn(mails[2]!, 'download')).toThrow();
    });

    it("shows staff the portal's address and activity as counts, to those who may read requests", async () => {
      const c = ctx();
      const res = await c.app.inject({
        method: 'GET',
        url: '/api/v1/privacy-portal?days=30',
        headers: c.as.privacy_officer,
      });
      expect(res.statusCode).toBe(200);
      const activity = res.json() as Record<string, number | string>;
      expect(activity.url).toBe(`${c.config.publicUrl}/privacy/${c.workspaceId}`);
      expect(activity.submissions).toBeGreaterThanOrEqual(4);
      expect(activity.verified).toBeGreaterThanOrEqual(4);
      expect(activity.downloads).toBeGreaterThanOrEqual(2);
      expect(activity.refusedLinks).toBeGreaterThanOrEqual(2);
      expect(JSON.stringify(activity)).not.toContain('@example.org');
      expect((await c.app.inject({ method: 'GET', url: '/api/v1/privacy-portal' })).statusCode).toBe(401);
      const bad = await c.app.inject({
        method: 'GET',
        url: '/api/v1/privacy-portal?days=0',
        headers: c.as.privacy_officer,
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    });
  },
);
