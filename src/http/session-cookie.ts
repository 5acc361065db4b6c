import type { CookieSerializeOptions } from '@fastify/cookie';
import type { Config } from '../config.ts';

export interface SessionCookie {
  readonly name: string;
  readonly options: CookieSerializeOptions;
}

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '::1']);

/**
 * `__Host-custodian_session` (Secure, HttpOnly, SameSite=Strict, Path=/). Only a development server on plain HTTP
 * bound to loopback drops `Secure` and the prefix, because browsers refuse Secure cookies over HTTP elsewhere.
 */
export function sessionCookieFor(config: Config): SessionCookie {
  const relaxed = config.tls === undefined && config.mode !== 'production' && loopbackHosts.has(config.host);
  return {
    name: relaxed ? 'custodian_session' : '__Host-custodian_session',
    options: { path: '/', httpOnly: true, sameSite: 'strict', secure: !relaxed },
  };
}
