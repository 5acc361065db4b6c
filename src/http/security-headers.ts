import type { FastifyInstance } from 'fastify';

/** Content-Security-Policy of every response; the console needs nothing from other origins. */
export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

/**
 * Adds the security headers to every response, and `Cache-Control: no-store` to API responses.
 * HSTS only when the server itself speaks TLS.
 */
export function registerSecurityHeaders(app: FastifyInstance, options: { tls: boolean }): void {
  app.addHook('onSend', async (request, reply, payload) => {
    // The Swagger UI needs inline scripts; it serves no personal data.
    const csp = request.url.startsWith('/api/docs')
      ? contentSecurityPolicy.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
      : contentSecurityPolicy;
    reply.header('Content-Security-Policy', csp);
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('X-Frame-Options', 'DENY');
    reply.header('Cross-Origin-Opener-Policy', 'same-origin');
    reply.header('Cross-Origin-Resource-Policy', 'same-origin');
    reply.header('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
    if (options.tls) reply.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    if (request.url.startsWith('/api/') || request.url === '/health') reply.header('Cache-Control', 'no-store');
    reply.header('X-Request-Id', request.id);
    return payload;
  });
}
