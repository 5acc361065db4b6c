import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, errorCatalogue, type ErrorCode } from '../errors.ts';

/** RFC 9457 problem document as Custodian sends it. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: ErrorCode;
  requestId: string;
  [extension: string]: unknown;
}

export const problemContentType = 'application/problem+json; charset=utf-8';

/** Stable URI of a problem type; documented in docs/api/errors.md. */
export function problemType(code: ErrorCode): string {
  return `urn:custodian:problem:${code.toLowerCase().replace(/_/g, '-')}`;
}

/** Maps Fastify's own errors (validation, body parsing, limits) onto catalogue codes. */
function fromFastifyError(error: FastifyError): AppError | undefined {
  if (error.validation) {
    return new AppError('VALIDATION_FAILED', {
      detail: `The ${error.validationContext ?? 'request'} is not valid`,
      errors: error.validation.map((v) => ({
        // Field path and rule only: the rejected value may be personal data.
        path: [v.instancePath, (v.params as { missingProperty?: string; additionalProperty?: string }).missingProperty ?? (v.params as { additionalProperty?: string }).additionalProperty]
          .filter(Boolean)
          .join('/'),
        message: v.message ?? 'invalid',
      })),
    });
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('PAYLOAD_TOO_LARGE');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('UNSUPPORTED_MEDIA_TYPE');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('BAD_REQUEST', { detail: 'The body is not valid JSON' });
    default:
      break;
  }
  if (error.statusCode === 404) return new AppError('NOT_FOUND');
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return new AppError('BAD_REQUEST', { detail: 'The request is not valid' });
  }
  return undefined;
}

/** Turns any error into a problem document. Unexpected errors become a bare 500 with the request id. */
export function toProblem(error: unknown, request: FastifyRequest): { problem: Problem; headers: Record<string, string> } {
  const appError =
    error instanceof AppError ? error : fromFastifyError(error as FastifyError) ?? new AppError('INTERNAL');
  const entry = errorCatalogue[appError.code];
  const { detail, ...extensions } = appError.details;
  const problem: Problem = {
    ...extensions,
    type: problemType(appError.code),
    title: entry.title,
    status: entry.status,
    detail: appError.code === 'INTERNAL' ? `Something went wrong; quote request ${request.id}` : detail ?? entry.title,
    instance: request.url.split('?')[0] ?? '/',
    code: appError.code,
    requestId: request.id,
  };
  return { problem, headers: appError.headers };
}

export function sendProblem(reply: FastifyReply, error: unknown): FastifyReply {
  const { problem, headers } = toProblem(error, reply.request);
  if (problem.status >= 500) reply.request.log.error({ err: error }, 'request failed');
  return reply.code(problem.status).headers(headers).type(problemContentType).send(JSON.stringify(problem));
}
