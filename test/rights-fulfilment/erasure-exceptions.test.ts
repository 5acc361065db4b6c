import { beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../support/test-database.ts';
import { useChannelsTestApp } from '../consent-channels/channels-test-app.ts';
import { createPerson, fulfil, getJson, portalView, verifiedRequest } from './fulfilment-test-helpers.ts';

describe.each(testDialects)('erasure exceptions told to the person on %s', (dialect) => {
  const ctx = useChannelsTestApp(dialect);
  const invoiced = new Set<string>();

  beforeAll(() => {
    // A feature holding invoices under the accounting purpose (legal obligation, ten years), as a real one would register.
    ctx().services.erasure.erasers.register({
      name: 'test-invoices',
      async inventory(_trx, target) {
        return invoiced.has(target.personId)
          ? [
              {
                category: 'user.financial',
                purpose: 'accounting',
                since: '2026-01-15T00:00:00.000Z',
                count: 3,
              },
            ]
          : [];
      },
      async erase() {
        return { erased: 0 };
      },
    });
  });

  it('previews the Art. 17(3) exceptions and turns what the certificate kept into sentences for the person', async () => {
    const c = ctx();
    const personId = await createPerson(c, { firstName: 'Ivo', email: 'ivo.invoices@example.test' });
    invoiced.add(personId);
    const r = await verifiedRequest(c, 'erasure', 'ivo.invoices@example.test');
    const preview = (await getJson(c, `/api/v1/requests/${r.id}/fulfilment/erasure`)).json();
    expect(preview.kept).toEqual([
      expect.objectContaining({
        eraser: 'test-invoices',
        exception: 'legal_obligation',
        purpose: 'accounting',
        count: 3,
        until: '2036-01-15T00:00:00.000Z',
        sentence: expect.stringContaining('Art. 17(3)(b)'),
      }),
    ]);
    const res = await fulfil(c, r.id, 'erasure');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().certificate.kept).toHaveLength(1);
    expect((await portalView(c, r.id)).outcome).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^We keep 3 record\(s\) of category user\.financial held for accounting until 2036-01-15: Art\. 17\(3\)\(b\)/,
        ),
      ]),
    );
  });
});
