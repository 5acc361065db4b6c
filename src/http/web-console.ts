import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.ts';
import { sendProblem } from './problem.ts';

/** Where `vite build` writes the console. */
export const webDistDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');

/**
 * Serves the built console at `/`, with `index.html` for any other GET that is not an API path (client routing).
 * Anything else unknown is a 404 problem document. When the console is not built, `/` says how to build it.
 */
export async function registerWebConsole(app: FastifyInstance): Promise<void> {
  const built = fs.existsSync(path.join(webDistDir, 'index.html'));
  if (built) {
    await app.register(fastifyStatic, { root: webDistDir, wildcard: false, index: ['index.html'] });
  } else {
    app.get('/', { schema: { hide: true } }, async (_request, reply) =>
      reply
        .type('text/plain')
        .send('The web console is not built. Run `npm run build:web`, or `npm start`, which builds it.'),
    );
  }
  app.setNotFoundHandler((request, reply) => {
    const pathname = request.url.split('?')[0] ?? '/';
    const isPage =
      built && request.method === 'GET' && !pathname.startsWith('/api/') && path.extname(pathname) === '';
    if (isPage) return reply.type('text/html').sendFile('index.html');
    return sendProblem(reply, new AppError('NOT_FOUND'));
  });
}
