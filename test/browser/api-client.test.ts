import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient, type ApiClient } from '../../web/src/api/api-client.ts';
import { ApiError } from '../../web/src/api/api-error.ts';
import { ownerEmail, ownerPassword } from '../support/test-app.ts';
import { startConsoleServer, type ConsoleServer } from './console-server.ts';

/** A fetch that keeps cookies like a browser tab, and records the CSRF header of each request it sends. */
function browserLikeFetch() {
  const jar = new Map<string, string>();
  const sent: { method: string; path: string; csrf: string | null }[] = [];
  const fetchWithCookies = async (request: Request): Promise<Response> => {
    const headers = new Headers(request.headers);
    if (jar.size > 0) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
    sent.push({
      method: request.method,
      path: new URL(request.url).pathname,
      csrf: headers.get('x-csrf-token'),
    });
    const body =
      request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.arrayBuffer();
    const response = await fetch(request.url, { method: request.method, headers, body, redirect: 'manual' });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const [name, ...value] = (pair ?? '').split('=');
      if (name) jar.set(name.trim(), value.join('='));
    }
    return response;
  };
  return { fetch: fetchWithCookies, sent };
}

describe('the console API client against a real server', () => {
  let server: ConsoleServer;
  beforeAll(async () => {
    server = await startConsoleServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  function client(): { client: ApiClient; sent: ReturnType<typeof browserLikeFetch>['sent'] } {
    const tab = browserLikeFetch();
    return { client: createApiClient({ baseUrl: server.baseUrl, fetch: tab.fetch }), sent: tab.sent };
  }

  it('turns a problem document into an ApiError with code, title and detail', async () => {
    const { client: c } = client();
    const failure = await c.api
      .POST('/api/v1/auth/sign-in', { body: { email: ownerEmail, password: 'wrong password, clearly' } })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApiError);
    const error = failure as ApiError;
    expect(error.code).toBe('INVALID_CREDENTIALS');
    expect(error.status).toBe(401);
    expect(error.title).toBe('Email or password is wrong');
    expect(error.detail).toBeTruthy();
    expect(error.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('reports invalid fields of a validation problem without their values', async () => {
    const { client: c } = client();
    const failure = (await c.api
      .POST('/api/v1/auth/sign-in', { body: { email: ownerEmail } as never })
      .catch((e: unknown) => e)) as ApiError;
    expect(failure.code).toBe('VALIDATION_FAILED');
    expect(failure.errors.length).toBeGreaterThan(0);
  });

  it('keeps the session CSRF token and sends it on unsafe methods only', async () => {
    const { client: c, sent } = client();
    const signedIn = await c.api.POST('/api/v1/auth/sign-in', {
      body: { email: ownerEmail, password: ownerPassword },
    });
    expect(signedIn.data?.status).toBe('signed-in');
    await c.api.GET('/api/v1/users/me');
    const created = await c.api.POST('/api/v1/tokens', { body: { name: 'csrf check' } });
    expect(created.response.status).toBe(201);

    const me = sent.find((r) => r.path === '/api/v1/users/me');
    const token = sent.find((r) => r.path === '/api/v1/tokens');
    expect(me?.csrf).toBeNull();
    expect(token?.csrf).toBe(signedIn.data?.csrfToken);
  });

  it('forgets the token at sign-out, so a later change is refused as unauthenticated', async () => {
    const { client: c, sent } = client();
    await c.api.POST('/api/v1/auth/sign-in', { body: { email: ownerEmail, password: ownerPassword } });
    await c.api.POST('/api/v1/auth/sign-out');
    const failure = (await c.api
      .POST('/api/v1/tokens', { body: { name: 'after sign-out' } })
      .catch((e: unknown) => e)) as ApiError;
    expect(failure).toBeInstanceOf(ApiError);
    expect(failure.status).toBe(401);
    expect(sent.at(-1)?.csrf).toBeNull();
  });

  it('without the CSRF token, a cookie-authenticated change is refused', async () => {
    const { client: c } = client();
    await c.api.POST('/api/v1/auth/sign-in', { body: { email: ownerEmail, password: ownerPassword } });
    c.clearCsrfToken();
    const failure = (await c.api
      .POST('/api/v1/tokens', { body: { name: 'no csrf' } })
      .catch((e: unknown) => e)) as ApiError;
    expect(failure.code).toBe('CSRF_FAILED');
    expect(failure.status).toBe(403);
  });
});
