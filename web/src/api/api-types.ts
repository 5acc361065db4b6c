import type { paths } from './schema.d.ts';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

type JsonOf<R> = R extends { content: { 'application/json': infer B } } ? B : never;

/**
 * The JSON body of a path's successful answer, from the generated schema.
 *
 * @example
 * type Me = Success<'/api/v1/users/me', 'get'>;
 */
export type Success<P extends keyof paths, M extends Method> = paths[P][M] extends { responses: infer R }
  ? JsonOf<R[Extract<keyof R, 200 | 201>]>
  : never;

/**
 * The JSON request body of a path and method.
 *
 * @example
 * type NewUser = RequestBody<'/api/v1/users', 'post'>;
 */
export type RequestBody<P extends keyof paths, M extends Method> = paths[P][M] extends {
  requestBody?: { content: { 'application/json': infer B } };
}
  ? B
  : never;

/**
 * The query parameters of a path and method.
 *
 * @example
 * type AuditFilters = QueryOf<'/api/v1/audit', 'get'>;
 */
export type QueryOf<P extends keyof paths, M extends Method> = paths[P][M] extends {
  parameters: { query?: infer Q };
}
  ? NonNullable<Q>
  : never;
