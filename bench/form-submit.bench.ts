/**
 * Public form submissions per second (issue 5): `POST /api/v1/public/forms/:id/submissions` through the whole app
 * (inject, no sockets), each finding or creating the person through the kernel, recording a `requested` consent
 * (double opt-in) with encrypted evidence and audit, storing the confirmation and sending its email to the file
 * outbox. Every submission is a new address from a new IP (the per-IP limit stays out of the way; the form's own
 * limit is set high). Also records the widget's gzipped size. `BENCH_FORM_SECONDS` (default 8).
 */
import { loadConfig } from '../src/config.ts';
import { ensureFirstStart } from '../src/bootstrap.ts';
import { buildApp } from '../src/http/app.ts';
import { systemClock } from '../src/kernel/clock.ts';
import { createAppServices } from '../src/services.ts';
import { loadWidgetAsset, widgetGzipBudgetBytes } from '../src/consent/widget/widget-asset.ts';
import { insertTokenForRole } from '../test/support/owner-token.ts';
import { createBenchDatabase } from './bench-database.ts';
import { appendResults, formatNumber } from './bench-results.ts';

const seconds = Number(process.env.BENCH_FORM_SECONDS ?? 8);
const concurrency = 4;
const origin = 'https://shop.example.test';

const widget = loadWidgetAsset();
console.log(`widget: ${widget.source.length} bytes, ${widget.gzipped.length} bytes gzipped (budget ${widgetGzipBudgetBytes})`);

for (const dialect of ['sqlite', 'postgres'] as const) {
  const bench = await createBenchDatabase(dialect);
  const config = loadConfig({
    CUSTODIAN_MODE: 'test',
    CUSTODIAN_DATA_DIR: bench.dataDir,
    CUSTODIAN_ADMIN_EMAIL: 'owner@example.test',
    CUSTODIAN_ADMIN_PASSWORD: 'correct horse battery staple 42',
    ...(bench.postgresUrl ? { CUSTODIAN_DATABASE_URL: bench.postgresUrl } : {}),
  });
  const first = await ensureFirstStart({ config, db: bench.db, clock: systemClock });
  const services = await createAppServices({ config, db: bench.db, clock: systemClock });
  const app = await buildApp({ config, db: bench.db, clock: systemClock, logger: false, ...services });
  await app.ready();
  const system = { workspaceId: first.workspaceId, actor: { type: 'system' as const, id: 'bench' } };
  await services.purposes.setActive(bench.db.kysely, system, 'email_marketing', true);
  const draft = await services.notices.createDraft(bench.db.kysely, system, { purpose: 'email_marketing', language: 'en' });
  await services.notices.publish(bench.db.kysely, system, draft.id);
  const { token } = await insertTokenForRole(bench.db.kysely, first.workspaceId, 'privacy_officer');
  const created = await app.inject({
    method: 'POST',
    url: '/api/v1/consent-forms',
    headers: { authorization: `Bearer ${token}` },
    payload: {
      name: 'Bench',
      title: 'Newsletter',
      language: 'en',
      purposes: [{ key: 'email_marketing', label: 'Send me the newsletter' }],
      fields: [{ name: 'email' }, { name: 'firstName' }],
      allowedOrigins: [origin],
      maxSubmissionsPerMinute: 100000,
    },
  });
  const formId = (created.json() as { id: string }).id;

  let n = 0;
  let failed = 0;
  const submit = async () => {
    const i = n++;
    const res = await app.inject({
      method: 'POST',
      url: `/api/v1/public/forms/${formId}/submissions`,
      headers: { origin, 'user-agent': 'bench' },
      remoteAddress: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
      payload: { email: `visitor${i}@example.org`, firstName: 'Visitor', purposes: ['email_marketing'], pageUrl: `${origin}/news` },
    });
    if (res.statusCode !== 200) failed++;
  };
  for (let i = 0; i < 50; i++) await submit(); // warm-up
  n = 0;
  failed = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < until) await submit();
  }));
  const rate = n / ((performance.now() - started) / 1000);
  console.log(`${dialect}: ${formatNumber(rate)} submissions/s (${n} in ${seconds} s, ${failed} failed)`);
  appendResults('public form submissions (consent channels)', dialect, [
    '| case | figure |',
    '|---|---|',
    `| submissions/s (double opt-in: person created, \`requested\` recorded with evidence and audit, confirmation stored and emailed to the outbox; ${concurrency} concurrent, in process) | ${formatNumber(rate)} (${failed} failed of ${n}) |`,
    `| widget.js | ${formatNumber(widget.source.length)} bytes, ${formatNumber(widget.gzipped.length)} bytes gzipped (budget ${formatNumber(widgetGzipBudgetBytes)}) |`,
  ]);
  // Let the confirmation emails still queued reach the outbox before the database goes.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  await app.close();
  await bench.destroy();
}
