import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import fastifyCookie from '@fastify/cookie';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';
import type { Db } from '../db/database.ts';
import type { Clock } from '../kernel/clock.ts';
import { appendAudit } from '../kernel/audit/audit-log.ts';
import { authenticateSession, authenticateToken } from '../identity/authenticate.ts';
import { registerInputHygiene } from './input-hygiene.ts';
import { redactPaths } from './log-redaction.ts';
import { registerMetrics } from './metrics.ts';
import { sendProblem } from './problem.ts';
import { actorOf } from './request-context.ts';
import { registerRouteAccess } from './route-access.ts';
import { registerRoutes } from './routes.ts';
import { cachedAjvOptions, cachedSerializerFactory } from './schema-compile-cache.ts';
import { registerSecurityHeaders } from './security-headers.ts';
import { sessionCookieFor } from './session-cookie.ts';
import { registerWebConsole } from './web-console.ts';
import type { AppServices } from './app-services.ts';

/** What the app is built from. Everything is passed in; nothing is read from globals. */
export interface AppDeps extends AppServices {
  readonly config: Config;
  readonly db: Db;
  readonly clock: Clock;
  /** `false` silences logs (tests); otherwise the default redacting pino logger is used. */
  readonly logger?: false;
  /** Where log lines go (default stdout); tests capture them to prove nothing personal is written. */
  readonly logStream?: NodeJS.WritableStream;
}

export type App = FastifyInstance;

/**
 * Builds the Fastify app without listening: tests call `app.inject()`, `main.ts` calls `app.listen()`.
 *
 * @example
 * const app = await buildApp({ config, db, clock: systemClock, ...services });
 * const res = await app.inject({ method: 'GET', url: '/health' });
 */
export async function buildApp(deps: AppDeps): Promise<App> {
  const { config, db, clock } = deps;
  const https = config.tls
    ? { https: { cert: fs.readFileSync(config.tls.certFile), key: fs.readFileSync(config.tls.keyFile), minVersion: 'TLSv1.2' as const } }
    : {};
  const app = Fastify({
    ...https,
    logger:
      deps.logger ?? {
        level: config.logLevel,
        ...(deps.logStream ? { stream: deps.logStream } : {}),
        redact: { paths: redactPaths, censor: '[redacted]' },
        serializers: {
          // The path only: query strings may carry search terms.
          req: (req) => ({ method: req.method, url: req.url.split('?')[0], id: req.id }),
        },
      },
    bodyLimit: config.bodyLimit,
    trustProxy: config.trustedProxies.length > 0 ? [...config.trustedProxies] : false,
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    // Compiled once per process (tests build many apps): see schema-compile-cache.ts.
    ajv: cachedAjvOptions({ removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false }),
    schemaController: { compilersFactory: { buildSerializer: cachedSerializerFactory } },
    routerOptions: { ignoreTrailingSlash: true },
    forceCloseConnections: true,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setErrorHandler((error, _request, reply) => sendProblem(reply, error));

  registerSecurityHeaders(app, { tls: config.tls !== undefined });
  registerInputHygiene(app);
  await app.register(fastifyCookie);
  const metrics = registerMetrics(app);

  const cookie = sessionCookieFor(config);
  const idleMs = config.sessionIdleMinutes * 60_000;
  registerRouteAccess(
    app,
    async (request) => {
      const authorization = request.headers.authorization;
      if (typeof authorization === 'string' && authorization.startsWith('Bearer ')) {
        return (await authenticateToken({ db: db.kysely, clock }, authorization.slice(7).trim(), request.ip)) ?? null;
      }
      const secret = request.cookies[cookie.name];
      if (!secret) return null;
      const principal = await authenticateSession({ db: db.kysely, clock }, secret, { idleMs });
      return principal && !principal.mfaPending ? principal : null;
    },
    async (request, reason) => {
      const principal = request.principal;
      if (!principal) return;
      await db.kysely.transaction().execute((trx) =>
        appendAudit(trx, { dialect: db.dialect, clock }, {
          workspaceId: principal.workspaceId,
          actor: actorOf(principal),
          action: 'access.denied',
          outcome: 'denied',
          resourceType: 'route',
          resourceId: `${request.method} ${request.routeOptions.url ?? ''}`,
          requestId: request.id,
          ip: request.ip,
          details: { reason },
        }),
      );
    },
  );

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Custodian API',
        version: '1',
        description:
          'The Custodian REST API. Errors are RFC 9457 problem documents. Authenticate with a session cookie ' +
          '(console) or `Authorization: Bearer <token>` (integrations).',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: cookie.name },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs', staticCSP: false });

  app.get(
    '/api/openapi.json',
    { schema: { hide: true }, config: { access: 'public' } },
    async () => app.swagger(),
  );
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    reply.type(metrics.contentType);
    return metrics.metrics();
  });

  await registerRoutes(app, deps);
  await registerWebConsole(app);
  return app;
}
