import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import autocannon from 'autocannon';
import { appendResults, formatNumber } from './bench-results.ts';

/**
 * HTTP throughput with autocannon (50 connections, 10 s each): `GET /health`, an authenticated `GET /api/v1/users/me`
 * (bearer token) and a bare Fastify hello-world, measured in the same run; and the people API (create, read by id) at
 * 10 concurrent clients. The servers run in child processes.
 */
const connections = 50;
const duration = Number(process.env.BENCH_HTTP_SECONDS ?? 10);

interface Server {
  readonly child: ChildProcess;
  readonly port: number;
  readonly token?: string;
}

function startServer(script: string, args: string[] = []): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'servers', script), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve({ child, ...(JSON.parse(line) as { port: number; token?: string }) });
    });
    child.on('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

async function stopServer(server: Server): Promise<void> {
  const exited = new Promise((resolve) => server.child.on('exit', resolve));
  server.child.kill('SIGTERM');
  await exited;
}

interface Measure {
  readonly name: string;
  readonly rps: number;
  readonly p99: number;
  readonly non2xx: number;
  readonly errors: number;
}

async function measure(
  name: string,
  url: string,
  headers: Record<string, string> = {},
  request: { connections?: number; method?: 'GET' | 'POST'; body?: string } = {},
): Promise<Measure> {
  const options = { url, connections: request.connections ?? connections, headers, ...(request.method ? { method: request.method } : {}), ...(request.body ? { body: request.body } : {}) };
  // A short warm-up (JIT, connection pools), then the measured run.
  await autocannon({ ...options, duration: 2 });
  const r = await autocannon({ ...options, duration });
  const m = { name, rps: r.requests.average, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors };
  console.log(`${name}: ${formatNumber(m.rps)} req/s, p99 ${m.p99} ms, non-2xx ${m.non2xx}, errors ${m.errors}`);
  return m;
}

const row = (m: Measure, bare: Measure) =>
  `| ${m.name} | ${formatNumber(m.rps)} | ${m.p99} | ${((m.rps / bare.rps) * 100).toFixed(0)}% | ${m.non2xx + m.errors} |`;

for (const dialect of ['sqlite', 'postgres'] as const) {
  const bareServer = await startServer('bare-server.ts');
  const bare = await measure('bare Fastify hello-world', `http://127.0.0.1:${bareServer.port}/`);
  await stopServer(bareServer);
  const custodian = await startServer('custodian-server.ts', [dialect]);
  const base = `http://127.0.0.1:${custodian.port}`;
  const health = await measure('GET /health', `${base}/health`);
  const me = await measure('GET /api/v1/users/me (bearer)', `${base}/api/v1/users/me`, {
    authorization: `Bearer ${custodian.token}`,
  });
  // Issue 4: create a person and read one by id through the API (gate, encryption, audit), 10 concurrent clients.
  const auth = { authorization: `Bearer ${custodian.token}`, 'content-type': 'application/json', 'custodian-purpose': 'crm' };
  const person = { firstName: 'Ada', lastName: 'Lovelace', emails: [{ value: 'ada@bench.example', primary: true }], phones: [{ value: '+442079460018', primary: true }] };
  const created = (await (await fetch(`${base}/api/v1/people`, { method: 'POST', headers: auth, body: JSON.stringify(person) })).json()) as { id: string };
  const createPeople = await measure('POST /api/v1/people', `${base}/api/v1/people`, auth, { connections: 10, method: 'POST', body: JSON.stringify(person) });
  const readPerson = await measure('GET /api/v1/people/:id', `${base}/api/v1/people/${created.id}`, auth, { connections: 10 });
  await stopServer(custodian);
  appendResults('People API (autocannon, 10 concurrent clients, 10 s each)', dialect, [
    'Create a person (two names, an email and a phone: keys, encryption, blind indexes, gate, audit) and read one by id.',
    '',
    '| route | req/s | p99 ms | non-2xx + errors |',
    '|---|---|---|---|',
    ...[createPeople, readPerson].map((m) => `| ${m.name} | ${formatNumber(m.rps)} | ${m.p99} | ${m.non2xx + m.errors} |`),
  ]);
  appendResults('HTTP (autocannon, 50 connections, 10 s each)', dialect, [
    `Servers in child processes; request logging at \`warn\`. Target: authenticated route >= 50% of bare.`,
    '',
    '| route | req/s | p99 ms | of bare | non-2xx + errors |',
    '|---|---|---|---|---|',
    row(bare, bare),
    row(health, bare),
    row(me, bare),
  ]);
}
