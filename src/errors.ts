/**
 * The one catalogue of error codes. Domain code throws `new AppError('CODE', details)`; the HTTP layer turns it
 * into an RFC 9457 problem document and the CLI into an exit code, each through this table.
 *
 * `details` must never carry personal data: it is returned to clients and may be logged.
 *
 * @example
 * throw new AppError('NOT_FOUND', { resource: 'user' });
 */
export const errorCatalogue = {
  // generic
  VALIDATION_FAILED: { status: 400, exit: 2, title: 'The request is not valid' },
  BAD_REQUEST: { status: 400, exit: 2, title: 'Bad request' },
  UNAUTHENTICATED: { status: 401, exit: 3, title: 'Authentication required' },
  INVALID_CREDENTIALS: { status: 401, exit: 3, title: 'Email or password is wrong' },
  MFA_REQUIRED: { status: 401, exit: 3, title: 'A second factor is required' },
  MFA_INVALID: { status: 401, exit: 3, title: 'The code is wrong or was already used' },
  SESSION_EXPIRED: { status: 401, exit: 3, title: 'The session has expired' },
  TOKEN_INVALID: { status: 401, exit: 3, title: 'The token is invalid, expired or revoked' },
  CSRF_FAILED: { status: 403, exit: 3, title: 'The CSRF token is missing or wrong' },
  FORBIDDEN: { status: 403, exit: 4, title: 'The role does not allow this' },
  MFA_ENROLMENT_REQUIRED: { status: 403, exit: 4, title: 'Your role requires MFA: enrol first' },
  ACCOUNT_DISABLED: { status: 403, exit: 4, title: 'The account is disabled' },
  NOT_FOUND: { status: 404, exit: 5, title: 'Not found' },
  GONE: { status: 410, exit: 5, title: 'The resource was erased' },
  METHOD_NOT_ALLOWED: { status: 405, exit: 2, title: 'Method not allowed' },
  CONFLICT: { status: 409, exit: 6, title: 'Conflict with the current state' },
  ALREADY_EXISTS: { status: 409, exit: 6, title: 'It already exists' },
  PRECONDITION_FAILED: { status: 412, exit: 6, title: 'The resource changed since you read it' },
  PAYLOAD_TOO_LARGE: { status: 413, exit: 2, title: 'The request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, exit: 2, title: 'Unsupported media type' },
  UNPROCESSABLE: { status: 422, exit: 2, title: 'The request cannot be processed' },
  PASSWORD_TOO_WEAK: { status: 422, exit: 2, title: 'The password is too short or too common' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, exit: 2, title: 'The Idempotency-Key was already used with another request' },
  PRECONDITION_REQUIRED: { status: 428, exit: 2, title: 'A precondition header is required' },
  RATE_LIMITED: { status: 429, exit: 7, title: 'Too many attempts; try again later' },
  INTERNAL: { status: 500, exit: 1, title: 'Internal error' },
  DATABASE_UNAVAILABLE: { status: 503, exit: 8, title: 'The database does not answer' },
  CONFIG_INVALID: { status: 500, exit: 9, title: 'The configuration is not valid' },
  AUDIT_CHAIN_BROKEN: { status: 500, exit: 10, title: 'The audit chain does not verify' },
  // privacy kernel
  PURPOSE_REQUIRED: { status: 400, exit: 2, title: 'A processing purpose is required' },
  PURPOSE_UNKNOWN: { status: 400, exit: 2, title: 'The purpose is not in the register' },
  PURPOSE_INACTIVE: { status: 403, exit: 4, title: 'The purpose is not active' },
  CATEGORY_NOT_IN_PURPOSE: { status: 422, exit: 4, title: 'The purpose does not cover these data categories' },
  NO_LAWFUL_BASIS: { status: 403, exit: 4, title: 'No lawful basis for this processing' },
  CONSENT_MISSING: { status: 403, exit: 4, title: 'Consent for this purpose is missing or withdrawn' },
  OBJECTED: { status: 403, exit: 4, title: 'The person objected to this processing' },
  RESTRICTED: { status: 403, exit: 4, title: 'Processing of this person is restricted' },
  ROLE_PURPOSE_DENIED: { status: 403, exit: 4, title: 'Your role may not process data for this purpose' },
  ROLE_CATEGORY_DENIED: { status: 403, exit: 4, title: 'Your role may not process these data categories' },
  UNDECLARED_DATA: { status: 422, exit: 2, title: 'The attribute is not declared in the data catalogue' },
  SUPPRESSED: { status: 409, exit: 6, title: 'This person asked not to be processed again' },
  LEGAL_HOLD: { status: 409, exit: 6, title: 'A legal hold blocks this' },
  DECRYPTION_FAILED: { status: 500, exit: 11, title: 'A value could not be decrypted' },
  KEY_DESTROYED: { status: 410, exit: 5, title: 'The data key was destroyed' },
  KEK_UNAVAILABLE: { status: 500, exit: 11, title: 'The key-encryption key of this version is not available' },
  // governance: staff training and bulletins
  TRAINING_REQUIRED: { status: 403, exit: 4, title: 'Complete your required training before processing personal data' },
  BULLETIN_NOT_ADDRESSED: { status: 403, exit: 4, title: 'This bulletin is not addressed to your role' },
  // custom fields
  FIELD_CLASSIFICATION_REFUSED: { status: 422, exit: 2, title: 'The classification of this personal-data field is refused' },
  FIELD_NOT_IN_PURPOSE: { status: 422, exit: 4, title: 'This custom field does not serve the purpose of the request' },
  FIELD_HAS_VALUES: { status: 409, exit: 6, title: 'The custom field still holds values: archive it first' },
  // governance registers: processors, transfers, records of processing, DPIAs (src/governance)
  TRANSFER_TOOL_UNFIT: { status: 422, exit: 2, title: 'The transfer tool does not fit the destination country' },
  DPIA_INCOMPLETE: { status: 422, exit: 2, title: 'The DPIA is incomplete and cannot be signed' },
  DPIA_SIGNED: { status: 409, exit: 6, title: 'The DPIA is signed: only a review may change it' },
  // import, duplicates and merge (src/crm/import, src/crm/duplicates, src/crm/merge)
  CSV_MALFORMED: { status: 422, exit: 2, title: 'The CSV file is malformed' },
  CSV_ENCODING: { status: 415, exit: 2, title: 'The file is not in the expected text encoding' },
  CSV_EMPTY: { status: 422, exit: 2, title: 'The CSV file has no header or no data rows' },
  DUPLICATE_SUSPECTED: { status: 409, exit: 6, title: 'People with the same email, phone or name already exist' },
  CSV_UNKNOWN_COLUMNS: { status: 422, exit: 2, title: 'Columns of the file are not mapped to person fields' },
  // consent channels: forms, widget, double opt-in, unsubscribe, preference centre, SMTP settings (src/consent/forms…, src/mail)
  NOTICE_MISSING: { status: 422, exit: 2, title: 'A purpose of the form has no published privacy notice in its language' },
  ORIGIN_NOT_ALLOWED: { status: 403, exit: 4, title: 'This website may not use the form' },
  CONSENT_LINK_INVALID: { status: 400, exit: 2, title: 'The link is not valid' },
  CONSENT_LINK_EXPIRED: { status: 410, exit: 5, title: 'The link has expired' },
  CONSENT_LINK_USED: { status: 409, exit: 6, title: 'The link was already used' },
  MAIL_SEND_FAILED: { status: 502, exit: 1, title: 'The mail server did not accept the message' },
  // SMS channel: gateway settings and sends (src/sms)
  SMS_SEND_FAILED: { status: 502, exit: 1, title: 'The SMS gateway did not accept the message' },
  // privacy portal (src/rights/portal)
  PORTAL_VERIFICATION_FAILED: { status: 400, exit: 2, title: 'The code or link is not valid, or has expired' },
  // request fulfilment: access, rectification, erasure, restriction, objection, consent withdrawal (src/rights/fulfilment)
  FULFILMENT_WRONG_TYPE: { status: 409, exit: 6, title: 'This action does not fulfil a request of this type' },
  FULFILMENT_NOT_VERIFIED: { status: 409, exit: 6, title: "The requester's identity is not verified yet" },
  FULFILMENT_CLOSED: { status: 409, exit: 6, title: 'The request is already closed' },
  FULFILMENT_NO_PERSON: { status: 409, exit: 6, title: 'The request is not linked to a person' },
  FULFILMENT_LIFT_NOTICE_REQUIRED: { status: 409, exit: 6, title: 'Tell the person before lifting the restriction (Art. 18(3))' },
  FULFILMENT_REVIEW_PENDING: { status: 409, exit: 6, title: 'The export names other people: confirm its release after review' },
  // request inbox: data subject request lifecycle and deadlines (src/rights/requests)
  REQUEST_TRANSITION_REFUSED: { status: 409, exit: 6, title: 'The request cannot move to this status' },
  REQUEST_EXTENSION_REFUSED: { status: 409, exit: 6, title: 'The deadline cannot be extended' },
  // anomaly detection and alerts (src/monitoring/alerts)
  ALERT_CLOSED: { status: 409, exit: 6, title: 'The alert is already dismissed or turned into an incident' },
  INCIDENT_REGISTER_UNAVAILABLE: { status: 503, exit: 8, title: 'The incident register is not available' },
  // incident and breach register (src/monitoring/incidents)
  INCIDENT_DATES_INVALID: { status: 422, exit: 2, title: 'The incident dates are impossible' },
  INCIDENT_NOTIFICATION_INCOMPLETE: { status: 422, exit: 2, title: 'The notification lacks required content' },
  INCIDENT_LATE_REASON_REQUIRED: { status: 422, exit: 2, title: 'A notification after 72 hours needs the reasons for the delay' },
  INCIDENT_NOT_CLOSABLE: { status: 409, exit: 6, title: 'The incident cannot be closed yet' },
  INCIDENT_CLOSED: { status: 409, exit: 6, title: 'The incident is closed' },
  // retention: policies and sweeps (src/rights/retention)
  RETENTION_SWEEP_RUNNING: { status: 409, exit: 6, title: 'A retention sweep of this workspace is already running' },
} as const;

export type ErrorCode = keyof typeof errorCatalogue;

/** Structured, client-safe details: ids, field names, counts, reasons. Never personal values. */
export type ErrorDetails = Record<string, unknown> & { detail?: string };

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;
  /** Extra response headers (e.g. Retry-After). */
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, details: ErrorDetails = {}, headers: Record<string, string> = {}) {
    super(details.detail ?? errorCatalogue[code].title);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
    this.headers = headers;
  }

  get status(): number {
    return errorCatalogue[this.code].status;
  }

  get exitCode(): number {
    return errorCatalogue[this.code].exit;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
