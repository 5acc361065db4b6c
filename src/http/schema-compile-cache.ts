import { createRequire } from 'node:module';
import type { FastifyServerOptions } from 'fastify';

/**
 * Route schemas compiled once per process, not once per app.
 *
 * Building the app compiles every route's request validators (Ajv) and response serializers
 * (fast-json-stringify): about 80 % of `buildApp`'s CPU time, 1–3 s on the 2-core machine. The server builds one
 * app per process and gains nothing here; the test suites build one or more apps per test file, from the same
 * schemas, and gain that time back for every app after the first.
 *
 * A compiled function depends only on the schema's JSON and the compiler's options, so that pair is the cache key.
 * Nothing else changes: Fastify still prepares each schema itself (header names lowercased, content types split)
 * and calls the same compilers with the same options; Ajv and fast-json-stringify are the very modules Fastify
 * loads (resolved from Fastify's own location).
 */

type AjvServerOptions = NonNullable<FastifyServerOptions['ajv']>;
type SerializerFactory = NonNullable<NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildSerializer']>;
type AjvInstance = Parameters<NonNullable<AjvServerOptions['onCreate']>>[0];

const validators = new Map<string, ReturnType<AjvInstance['compile']>>();
const serializers = new Map<string, (data: unknown) => string>();

/**
 * Ajv options for `Fastify({ ajv })`: the given custom options, and an `onCreate` hook that makes the app's Ajv
 * instance return an already compiled validator for a schema it has compiled before (in any app of this process).
 *
 * @example
 * Fastify({ ajv: cachedAjvOptions({ coerceTypes: 'array' }) })
 */
export function cachedAjvOptions(customOptions: NonNullable<AjvServerOptions['customOptions']>): AjvServerOptions {
  const optionsKey = JSON.stringify(customOptions);
  return {
    customOptions,
    onCreate: (ajv: AjvInstance) => {
      const compile = ajv.compile.bind(ajv);
      ajv.compile = ((schema: object, meta?: boolean) => {
        if (meta !== undefined) return compile(schema, meta);
        const key = `${optionsKey}\0${JSON.stringify(schema)}`;
        let validate = validators.get(key);
        if (!validate) {
          validate = compile(schema);
          validators.set(key, validate);
        }
        return validate;
      }) as AjvInstance['compile'];
    },
  };
}

const requireFromFastify = createRequire(createRequire(import.meta.url).resolve('fastify'));
const { SerializerSelector } = requireFromFastify('@fastify/fast-json-stringify-compiler') as {
  SerializerSelector: () => SerializerFactory;
};

/**
 * Fastify's default serializer factory (fast-json-stringify), remembering each compiled serializer by its
 * options and schema.
 *
 * @example
 * Fastify({ schemaController: { compilersFactory: { buildSerializer: cachedSerializerFactory } } })
 */
export const cachedSerializerFactory: SerializerFactory = (externalSchemas, serializerOptions) => {
  const compile = SerializerSelector()(externalSchemas, serializerOptions);
  const optionsKey = JSON.stringify([externalSchemas, serializerOptions ?? {}]);
  return (route) => {
    const key = `${optionsKey}\0${JSON.stringify(route.schema)}`;
    let serialize = serializers.get(key);
    if (!serialize) {
      serialize = compile(route);
      serializers.set(key, serialize);
    }
    return serialize;
  };
};
