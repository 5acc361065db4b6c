/** One invalid field as the server reports it (path and rule only, never the rejected value). */
export interface FieldError {
  readonly path: string;
  readonly message: string;
}

/**
 * An RFC 9457 problem document from the API, as a typed error. Queries and mutations reject with it.
 *
 * @example
 * try { await api.POST('/api/v1/users', { body }); } catch (e) { if (isApiError(e) && e.code === 'ALREADY_EXISTS') … }
 */
export class ApiError extends Error {
  /** Stable code from the server's error catalogue, e.g. `INVALID_CREDENTIALS`. */
  readonly code: string;
  /** Short, human title of the problem type. */
  readonly title: string;
  /** What went wrong in this case. */
  readonly detail: string;
  readonly status: number;
  /** Quote it to an administrator to find the request in the logs. */
  readonly requestId: string | undefined;
  /** Seconds to wait before trying again (429). */
  readonly retryAfter: number | undefined;
  readonly errors: readonly FieldError[];

  constructor(init: {
    code: string;
    title: string;
    detail: string;
    status: number;
    requestId?: string | undefined;
    retryAfter?: number | undefined;
    errors?: readonly FieldError[];
  }) {
    super(init.detail || init.title);
    this.name = 'ApiError';
    this.code = init.code;
    this.title = init.title;
    this.detail = init.detail;
    this.status = init.status;
    this.requestId = init.requestId;
    this.retryAfter = init.retryAfter;
    this.errors = init.errors ?? [];
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

function text(value: unknown, fallback: string): string {
  return typeof value === 'string' && value.length > 0 ? value : fallback;
}

/**
 * Builds an `ApiError` from a failed response: the problem document when there is one, the status otherwise.
 *
 * @example
 * if (!response.ok) throw await apiErrorFrom(response);
 */
export async function apiErrorFrom(response: Response): Promise<ApiError> {
  let body: Record<string, unknown> = {};
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      const parsed: unknown = await response.clone().json();
      if (parsed && typeof parsed === 'object') body = parsed as Record<string, unknown>;
    } catch {
      // Not JSON after all: fall back to the status line.
    }
  }
  const retryHeader = response.headers.get('retry-after');
  const errors = Array.isArray(body.errors)
    ? body.errors
        .filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null)
        .map((e) => ({ path: text(e.path, ''), message: text(e.message, 'invalid') }))
    : [];
  const title = text(body.title, response.statusText || `HTTP ${response.status}`);
  return new ApiError({
    code: text(body.code, response.status >= 500 ? 'INTERNAL' : 'HTTP_ERROR'),
    title,
    detail: text(body.detail, title),
    status: response.status,
    requestId: text(body.requestId, '') || response.headers.get('x-request-id') || undefined,
    retryAfter: retryHeader && /^\d+$/.test(retryHeader) ? Number(retryHeader) : undefined,
    errors,
  });
}
