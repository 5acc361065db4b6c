import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';
import type { Permission } from '../identity/permissions.ts';
import type { Principal } from '../identity/principal.ts';

/**
 * What a route needs: `public` (anyone), `authenticated` (any signed-in user, even one who still has to enrol MFA),
 * or a permission. Every route under `/api/` must say which; the app refuses to start otherwise.
 */
export type RouteAccess = 'public' | 'authenticated' | Permission;

export interface RouteAccessEntry {
  readonly method: string;
  readonly url: string;
  readonly access: RouteAccess;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyInstance {
    /** Every route with its declared access: the input of the generated permission test matrix. */
    routeAccessTable: RouteAccessEntry[];
  }
}

export type Authenticator = (request: FastifyRequest) => Promise<Principal | null>;

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Enforces each route's declared access before the body is read: 401 without a principal, 403 without the
 * permission, 403 when the role requires MFA the user has not enrolled, 403 on a cookie-authenticated change without
 * the CSRF token.
 */
export function registerRouteAccess(
  app: FastifyInstance,
  authenticate: Authenticator,
  onDenied: (request: FastifyRequest, reason: string) => Promise<void>,
): void {
  app.decorate('routeAccessTable', [] as RouteAccessEntry[]);
  app.decorateRequest('principal', null);

  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const access = route.config?.access;
    if (route.url.startsWith('/api/v1') && access === undefined) {
      throw new Error(`Route ${methods.join(',')} ${route.url} does not declare config.access`);
    }
    if (access === undefined) return;
    for (const method of methods) {
      if (method === 'HEAD') continue;
      app.routeAccessTable.push({ method, url: route.url, access });
    }
  });

  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config?.access;
    if (access === undefined || access === 'public') {
      // Public routes still learn who is calling, if anyone (sign-out, session probe).
      request.principal = await authenticate(request);
      return;
    }
    const principal = await authenticate(request);
    if (!principal) throw new AppError('UNAUTHENTICATED');
    request.principal = principal;
    if (principal.via === 'session' && unsafeMethods.has(request.method)) {
      const sent = request.headers['x-csrf-token'];
      if (typeof sent !== 'string' || sent !== principal.csrfToken) {
        await onDenied(request, 'csrf');
        throw new AppError('CSRF_FAILED');
      }
    }
    if (access === 'authenticated') return;
    if (principal.role.requireMfa && !principal.mfaEnabled) {
      await onDenied(request, 'mfa-enrolment-required');
      throw new AppError('MFA_ENROLMENT_REQUIRED');
    }
    if (!principal.role.permissions.has(access)) {
      await onDenied(request, `missing-permission:${access}`);
      throw new AppError('FORBIDDEN', { permission: access });
    }
  });
}
