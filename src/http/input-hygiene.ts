import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.ts';

function containsNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (depth > 32 || value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some((v) => containsNul(v, depth + 1));
  for (const [key, v] of Object.entries(value)) {
    if (key.includes('\u0000') || containsNul(v, depth + 1)) return true;
  }
  return false;
}

/**
 * Refuses NUL characters anywhere in params, query or body with 400, before validation. PostgreSQL cannot store them
 * in text and SQLite truncates at them in places, so they are never legitimate input.
 */
export function registerInputHygiene(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    if (containsNul(request.params) || containsNul(request.query) || containsNul(request.body)) {
      throw new AppError('VALIDATION_FAILED', { detail: 'NUL characters are not allowed in input' });
    }
  });
}
