import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { DialectName } from '../../db/database.ts';
import { forUpdate, toBuffer } from '../../db/dialect.ts';
import type { Database } from '../../db/schema.ts';
import { AppError, isAppError } from '../../errors.ts';
import { appendAudit, type Actor } from '../../kernel/audit/audit-log.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { BlindIndex } from '../../kernel/crypto/blind-index.ts';
import type { FieldBinding, FieldCipher } from '../../kernel/crypto/field-cipher.ts';
import type { DataKey, KeyService } from '../../kernel/crypto/key-service.ts';
import type { PrivacyEvents, PrivacyEventType } from '../../kernel/events/privacy-events.ts';
import type { Gate } from '../../kernel/gate/create-gate.ts';
import type { RoleScope } from '../../kernel/gate/decide-processing.ts';
import type { ActorContext, ProcessingContext } from '../../kernel/gate/processing-context.ts';
import { requestPurposeKey } from '../../kernel/purposes/request-purpose.ts';
import { personExists } from '../../kernel/people/person-lookups.ts';
import type { Mailer } from '../../mail/mailer.ts';
import { dueDateOf, extendedDueDate, slaOf } from './request-deadlines.ts';
import { requestAttributes, requestEntity } from './request-attributes.ts';
import { assertTransition, isFinalStatus } from './request-lifecycle.ts';
import { matchPeopleByEmail, matchPeopleByPhone } from './request-person-match.ts';
import {
  createRequestQueries,
  type RequestList,
  type RequestListFilter,
  type RequestSummary,
} from './request-queries.ts';
import { newRequestReference } from './request-reference.ts';
import type { RequestTable } from './request-tables.ts';
import {
  identityMethods,
  requestChannels,
  requestTypes,
  type IdentityMethod,
  type PortalRequestView,
  type RequestChannel,
  type RequestDetails,
  type RequestResultFile,
  type RequestService,
  type RequestStatus,
  type RequestStepInput,
  type RequestType,
  type RequestView,
} from './request-types.ts';

/** A request logged by staff (phone, letter, email, in person, API). */
export interface StaffRequestInput {
  readonly type: RequestType;
  readonly channel: Exclude<RequestChannel, 'portal'>;
  /** The requester's email, when they gave one (matched to a person like a portal submission). */
  readonly email?: string | undefined;
  /** The person, when staff know who it is (takes precedence over the email match). */
  readonly personId?: string | undefined;
  /** How staff checked identity; given, the request starts `verified`. */
  readonly identityMethod?: IdentityMethod | undefined;
  readonly language: string;
  readonly details?: RequestDetails | undefined;
  /** When the letter or call arrived (default now; never in the future). The deadline runs from it. */
  readonly receivedAt?: string | undefined;
  readonly assigneeId?: string | null | undefined;
}

/** One step of a request's timeline, decrypted. */
export interface RequestStepView {
  readonly id: string;
  readonly seq: number;
  readonly kind: string;
  readonly summary: string;
  readonly personal: boolean;
  readonly actor: Actor;
  readonly at: string;
}

/** Optional concurrency check on a write: the version the caller read (HTTP `If-Match`). */
export interface WriteOptions {
  readonly expectedVersion?: number | undefined;
}

/**
 * The request inbox: the `RequestService` contract the portal and fulfilment use, plus what staff do (log a request,
 * list, assign, extend, notes, timeline).
 */
export interface RequestInbox extends Omit<
  RequestService,
  'transition' | 'markIdentityVerified' | 'linkPerson'
> {
  logFromStaff(trx: Kysely<Database>, ctx: ActorContext, input: StaffRequestInput): Promise<RequestView>;
  list(db: Kysely<Database>, workspaceId: string, filter: RequestListFilter): Promise<RequestList>;
  /** Counts of open requests by SLA indicator (the console's home widget). */
  summary(db: Kysely<Database>, workspaceId: string): Promise<RequestSummary>;
  /** `get` for staff: a request of another workspace (or none) is `NOT_FOUND` and the attempt is audited. */
  open(db: Kysely<Database>, ctx: ActorContext, requestId: string): Promise<RequestView>;
  update(
    trx: Kysely<Database>,
    ctx: ActorContext,
    requestId: string,
    expectedVersion: number,
    patch: { readonly assigneeId?: string | null | undefined; readonly language?: string | undefined },
  ): Promise<RequestView>;
  /** Extends the deadline by 1 or 2 months with a reason (first month only, 3 months at most); tells the requester by email. */
  extend(
    trx: Kysely<Database>,
    ctx: ActorContext,
    requestId: string,
    months: number,
    reason: string,
    options?: WriteOptions,
  ): Promise<RequestView>;
  /** `transition` with an optional version check. */
  transition(
    trx: Kysely<Database>,
    ctx: ActorContext,
    requestId: string,
    to: RequestStatus,
    reason?: string,
    options?: WriteOptions,
  ): Promise<RequestView>;
  /** `markIdentityVerified` with an optional version check. */
  markIdentityVerified(
    trx: Kysely<Database>,
    ctx: ActorContext,
    requestId: string,
    method: IdentityMethod,
    options?: WriteOptions,
  ): Promise<void>;
  /** `linkPerson` with an optional version check. */
  linkPerson(
    trx: Kysely<Database>,
    ctx: ActorContext,
    requestId: string,
    personId: string,
    options?: WriteOptions,
  ): Promise<void>;
  addNote(
    trx: Kysely<Database>,
    ctx: ActorContext,
    requestId: string,
    note: { readonly text: string; readonly personal: boolean },
  ): Promise<void>;
  timeline(db: Kysely<Database>, workspaceId: string, requestId: string): Promise<RequestStepView[]>;
  /**
   * Records a refused attempt on a request (unknown id, another workspace's, a refused move) in its own transaction:
   * the caller's transaction rolls back with the error.
   */
  auditDenied(ctx: ActorContext, action: string, requestId: string | null, error: unknown): Promise<void>;
  /** Crypto-shreds the request (destroys its data key): email, details, notes, outcome and result become unreadable. */
  purge(trx: Kysely<Database>, ctx: ActorContext, requestId: string): Promise<void>;
}

export interface RequestServiceDeps {
  readonly db: Kysely<Database>;
  readonly dialect: DialectName;
  readonly clock: Clock;
  readonly keys: KeyService;
  readonly fieldCipher: FieldCipher;
  readonly blindIndex: BlindIndex;
  readonly privacyEvents: PrivacyEvents;
  /** Tells the requester about an extension (Art. 12(3)); absent, nobody is mailed. */
  readonly mailer?: Mailer;
  /** Checks and audits reads of the requester's contact details (ADR 0034); absent, they are read unchecked. */
  readonly gate?: Gate;
}

/** The system mailing a requester: it may read their contact email, and nothing else, to answer the request. */
const requestMailRole: RoleScope = {
  purposes: [],
  dataCategories: ['user.contact.email'],
  permissions: ['requests:read'],
};

type Row = Selectable<RequestTable>;

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isUuid = (value: string): boolean => uuidPattern.test(value);
const languagePattern = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}$/;
const emailPattern = /^[^\s@]{1,64}@[^\s@]{1,190}$/;
const maxDetailsChars = 20_000;

const bindingOf = (workspaceId: string, table: string, column: string, rowId: string): FieldBinding => ({
  workspaceId,
  table,
  column,
  rowId,
});

function invalid(field: string, detail: string): AppError {
  return new AppError('VALIDATION_FAILED', { field, detail });
}

function validateLanguage(language: string): string {
  if (!languagePattern.test(language)) throw invalid('language', 'a language tag such as en or pt-BR');
  return language;
}

function validateEmail(email: string): string {
  const trimmed = email.trim();
  if (trimmed.length > 254 || !emailPattern.test(trimmed)) throw invalid('email', 'not an email address');
  return trimmed;
}

function validateDetails(details: RequestDetails | undefined): RequestDetails | undefined {
  if (details === undefined) return undefined;
  if (JSON.stringify(details).length > maxDetailsChars)
    throw invalid('details', `at most ${maxDetailsChars} characters`);
  return details;
}

/**
 * @example
 * const requests = createRequestService({ db, dialect, clock, keys, fieldCipher, blindIndex, privacyEvents, mailer });
 * const { id, reference } = await db.transaction().execute((trx) =>
 *   requests.submitFromPortal(trx, { workspaceId, actor: { type: 'anonymous', id: null } }, { type: 'access', email, language: 'en' }),
 * );
 */
export function createRequestService(deps: RequestServiceDeps): RequestInbox {
  const { clock, keys, fieldCipher, blindIndex, privacyEvents } = deps;
  const auditDeps = { dialect: deps.dialect, clock };
  const queries = createRequestQueries({ clock });
  const now = (): string => clock.now().toISOString();

  const view = (r: Row): RequestView => ({
    id: r.id,
    reference: r.reference,
    type: r.type as RequestType,
    status: r.status as RequestStatus,
    channel: r.channel as RequestChannel,
    personId: r.person_id,
    assigneeId: r.assignee_id,
    language: r.language,
    receivedAt: r.received_at,
    dueAt: r.due_at,
    extendedUntil: r.extended_until,
    extensionReason: r.extension_reason,
    identityVerifiedAt: r.identity_verified_at,
    identityMethod: r.identity_method as IdentityMethod | null,
    completedAt: r.completed_at,
    refusalReason: r.refusal_reason,
    sla: slaOf(isFinalStatus(r.status as RequestStatus), r.due_at, clock.now()),
    version: r.version,
  });

  const findRow = async (
    db: Kysely<Database>,
    workspaceId: string,
    requestId: string,
    lock = false,
  ): Promise<Row | undefined> => {
    if (!isUuid(requestId)) return undefined;
    const q = db
      .selectFrom('requests')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', requestId);
    return (lock ? forUpdate(q, deps.dialect) : q).executeTakeFirst();
  };
  const rowOrThrow = async (
    db: Kysely<Database>,
    workspaceId: string,
    requestId: string,
    lock = false,
  ): Promise<Row> => {
    const row = await findRow(db, workspaceId, requestId, lock);
    if (!row) throw new AppError('NOT_FOUND', { resource: 'request' });
    return row;
  };
  const lockForWrite = async (
    trx: Kysely<Database>,
    workspaceId: string,
    requestId: string,
    options?: WriteOptions,
  ): Promise<Row> => {
    const row = await rowOrThrow(trx, workspaceId, requestId, true);
    if (options?.expectedVersion !== undefined && options.expectedVersion !== row.version) {
      throw new AppError('PRECONDITION_FAILED', { resource: 'request', currentVersion: row.version });
    }
    return row;
  };

  const pseudonymOf = async (
    db: Kysely<Database>,
    workspaceId: string,
    personId: string | null,
  ): Promise<string | null> => {
    if (personId === null) return null;
    const p = await db
      .selectFrom('persons')
      .select('pseudonym')
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', personId)
      .executeTakeFirst();
    return p?.pseudonym ?? null;
  };

  /** The request's data key, or undefined once purged (destroyed) or never created. */
  const readKey = async (
    db: Kysely<Database>,
    workspaceId: string,
    requestId: string,
  ): Promise<DataKey | undefined> => {
    try {
      return await keys.findDataKey(db, workspaceId, requestId);
    } catch (e) {
      if (isAppError(e) && e.code === 'KEY_DESTROYED') return undefined;
      throw e;
    }
  };

  const audit = async (
    trx: Kysely<Database>,
    ctx: ActorContext,
    row: Pick<Row, 'id' | 'person_id'>,
    action: string,
    details: Record<string, unknown>,
  ) => {
    await appendAudit(trx, auditDeps, {
      workspaceId: ctx.workspaceId,
      actor: ctx.actor,
      action,
      outcome: 'allowed',
      resourceType: 'request',
      resourceId: row.id,
      subjectPseudonym: await pseudonymOf(trx, ctx.workspaceId, row.person_id),
      purpose: requestPurposeKey,
      requestId: ctx.requestId ?? null,
      ip: ctx.ip ?? null,
      details,
    });
  };

  const emit = async (
    trx: Kysely<Database>,
    row: Row,
    type: PrivacyEventType,
    data: Record<string, unknown> = {},
  ) => {
    await privacyEvents.emit(trx, {
      type,
      workspaceId: row.workspace_id,
      subjectPseudonym: await pseudonymOf(trx, row.workspace_id, row.person_id),
      data: {
        requestId: row.id,
        reference: row.reference,
        requestType: row.type,
        channel: row.channel,
        ...data,
      },
    });
  };

  const appendStep = async (
    trx: Kysely<Database>,
    ctx: ActorContext,
    row: Pick<Row, 'id' | 'workspace_id'>,
    step: RequestStepInput,
  ): Promise<void> => {
    const kind = step.kind.trim();
    if (kind === '' || kind.length > 64) throw invalid('kind', '1 to 64 characters');
    if (step.summary.trim() === '' || step.summary.length > 5000)
      throw invalid('summary', '1 to 5000 characters');
    const last = await trx
      .selectFrom('request_steps')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .where('request_id', '=', row.id)
      .executeTakeFirst();
    const id = randomUUID();
    let personal: Buffer | null = null;
    if (step.personal) {
      const key = await keys.getOrCreateDataKey(trx, row.workspace_id, row.id);
      personal = fieldCipher.encrypt(
        key,
        step.summary,
        bindingOf(row.workspace_id, 'request_steps', 'personal_summary', id),
      );
    }
    await trx
      .insertInto('request_steps')
      .values({
        id,
        workspace_id: row.workspace_id,
        request_id: row.id,
        seq: Number(last?.seq ?? 0) + 1,
        kind,
        summary: step.personal ? null : step.summary,
        personal_summary: personal,
        actor_type: ctx.actor.type,
        actor_id: ctx.actor.id,
        at: now(),
      })
      .execute();
  };

  const create = async (
    trx: Kysely<Database>,
    ctx: ActorContext,
    input: StaffRequestInput | (Omit<StaffRequestInput, 'channel'> & { readonly channel: 'portal' }),
    /** A verified-by-SMS portal request: matched by this E.164 number (phone blind index) when no email is given. */
    matchPhone?: string,
  ): Promise<Row> => {
    if (!requestTypes.includes(input.type)) throw invalid('type', `one of ${requestTypes.join(', ')}`);
    if (!requestChannels.includes(input.channel))
      throw invalid('channel', `one of ${requestChannels.join(', ')}`);
    if (input.identityMethod !== undefined && !identityMethods.includes(input.identityMethod))
      throw invalid('identityMethod', `one of ${identityMethods.join(', ')}`);
    const language = validateLanguage(input.language);
    const email = input.email === undefined ? undefined : validateEmail(input.email);
    const details = validateDetails(input.details);
    const at = now();
    let receivedAt = at;
    if (input.receivedAt !== undefined) {
      const d = new Date(input.receivedAt);
      if (Number.isNaN(d.getTime())) throw invalid('receivedAt', 'not a date');
      if (d.getTime() > clock.now().getTime()) throw invalid('receivedAt', 'may not be in the future');
      if (clock.now().getTime() - d.getTime() > 366 * 86_400_000)
        throw invalid('receivedAt', 'more than a year ago');
      receivedAt = d.toISOString();
    }
    if (input.assigneeId) await assertAssignee(trx, ctx.workspaceId, input.assigneeId);
    let personId: string | null = null;
    let matches = 0;
    if (input.personId !== undefined) {
      if (!(await personExists(trx, ctx.workspaceId, input.personId)))
        throw invalid('personId', 'no such person in this workspace');
      personId = input.personId;
      matches = 1;
    } else if (email !== undefined) {
      const found = await matchPeopleByEmail({ keys, fieldCipher, blindIndex }, trx, ctx.workspaceId, email);
      matches = found.length;
      // Several people with one email: staff decide which one (linkPerson), nothing is guessed.
      if (found.length === 1) personId = found[0] ?? null;
    } else if (matchPhone !== undefined) {
      const found = await matchPeopleByPhone({ keys, fieldCipher, blindIndex }, trx, ctx.workspaceId, matchPhone);
      matches = found.length;
      if (found.length === 1) personId = found[0] ?? null;
    }
    const id = randomUUID();
    let reference = newRequestReference();
    for (let i = 0; i < 5; i += 1) {
      const taken = await trx
        .selectFrom('requests')
        .select('id')
        .where('workspace_id', '=', ctx.workspaceId)
        .where('reference', '=', reference)
        .executeTakeFirst();
      if (!taken) break;
      reference = newRequestReference();
    }
    const verified = input.channel !== 'portal' && input.identityMethod !== undefined;
    const needsKey = email !== undefined || details !== undefined;
    const key = needsKey ? await keys.getOrCreateDataKey(trx, ctx.workspaceId, id) : undefined;
    const dueAt = dueDateOf(receivedAt);
    const row: Row = {
      id,
      workspace_id: ctx.workspaceId,
      reference,
      type: input.type,
      status: verified ? 'verified' : 'identity_unverified',
      channel: input.channel,
      person_id: personId,
      assignee_id: input.assigneeId ?? null,
      language,
      received_at: receivedAt,
      original_due_at: dueAt,
      due_at: dueAt,
      extended_until: null,
      extension_reason: null,
      extended_at: null,
      identity_verified_at: verified ? at : null,
      identity_method: verified ? (input.identityMethod ?? null) : null,
      completed_at: null,
      closed_at: null,
      refusal_reason: null,
      requester_email:
        key && email !== undefined
          ? fieldCipher.encrypt(key, email, bindingOf(ctx.workspaceId, 'requests', 'requester_email', id))
          : null,
      requester_email_index:
        email !== undefined ? blindIndex.compute(ctx.workspaceId, 'request_email', email, 'email') : null,
      details:
        key && details !== undefined
          ? fieldCipher.encryptJson(key, details, bindingOf(ctx.workspaceId, 'requests', 'details', id))
          : null,
      created_by_type: ctx.actor.type,
      created_by_id: ctx.actor.id,
      created_at: at,
      updated_at: at,
      purged_at: null,
      version: 1,
    };
    await trx.insertInto('requests').values(row).execute();
    await appendStep(trx, ctx, row, {
      kind: 'received',
      summary: `Received (${input.type}) by ${input.channel}`,
    });
    await audit(trx, ctx, row, 'request.receive', {
      type: input.type,
      channel: input.channel,
      status: row.status,
      matchedPeople: matches,
    });
    await emit(trx, row, 'request.received');
    if (verified) {
      await appendStep(trx, ctx, row, {
        kind: 'identity',
        summary: `Identity checked by staff: ${row.identity_method}`,
      });
      await audit(trx, ctx, row, 'request.verify', { method: row.identity_method });
      await emit(trx, row, 'request.verified', { method: row.identity_method });
    }
    return row;
  };

  const assertAssignee = async (db: Kysely<Database>, workspaceId: string, userId: string): Promise<void> => {
    const user = isUuid(userId)
      ? await db
          .selectFrom('users')
          .select(['id', 'disabled'])
          .where('workspace_id', '=', workspaceId)
          .where('id', '=', userId)
          .executeTakeFirst()
      : undefined;
    if (!user || user.disabled) throw invalid('assigneeId', 'not an active user of this workspace');
  };

  const setRow = async (trx: Kysely<Database>, row: Row, set: Partial<Row>): Promise<Row> => {
    const next: Row = { ...row, ...set, updated_at: now(), version: row.version + 1 };
    await trx
      .updateTable('requests')
      .set({ ...set, updated_at: next.updated_at, version: next.version })
      .where('workspace_id', '=', row.workspace_id)
      .where('id', '=', row.id)
      .execute();
    return next;
  };

  const transition: RequestInbox['transition'] = async (trx, ctx, requestId, to, reason, options) => {
    const row = await lockForWrite(trx, ctx.workspaceId, requestId, options);
    const from = row.status as RequestStatus;
    if (to === 'extended')
      throw new AppError('REQUEST_TRANSITION_REFUSED', {
        from,
        to,
        detail: 'extend the deadline instead (months and a reason)',
      });
    if (to === 'verified' && (from === 'received' || from === 'identity_unverified')) {
      throw new AppError('REQUEST_TRANSITION_REFUSED', {
        from,
        to,
        detail: 'verify identity with a method instead',
      });
    }
    assertTransition(from, to, reason);
    const at = now();
    const trimmed = reason?.trim();
    const next = await setRow(trx, row, {
      status: to,
      ...(isFinalStatus(to) ? { closed_at: at } : {}),
      ...(to === 'completed' ? { completed_at: at } : {}),
      ...(to === 'refused' ? { refusal_reason: trimmed ?? null } : {}),
    });
    await appendStep(trx, ctx, next, { kind: 'status', summary: `Status: ${from} → ${to}` });
    if (trimmed && to !== 'refused')
      await appendStep(trx, ctx, next, { kind: 'status_reason', summary: trimmed, personal: true });
    await audit(trx, ctx, next, 'request.transition', { from, to, withReason: Boolean(trimmed) });
    if (to === 'completed') await emit(trx, next, 'request.completed');
    if (to === 'refused') await emit(trx, next, 'request.refused');
    return view(next);
  };

  const service: RequestInbox = {
    async submitFromPortal(trx, ctx, input) {
      const row = await create(
        trx,
        ctx,
        {
          type: input.type,
          channel: 'portal',
          ...(input.email !== undefined ? { email: input.email } : {}),
          language: input.language,
          details: input.details,
        },
        input.phone,
      );
      return { id: row.id, reference: row.reference };
    },

    async logFromStaff(trx, ctx, input) {
      if ((input.channel as string) === 'portal')
        throw invalid('channel', 'portal requests come through the portal');
      return view(await create(trx, ctx, input));
    },

    async markIdentityVerified(trx, ctx, requestId, method, options) {
      if (!identityMethods.includes(method)) throw invalid('method', `one of ${identityMethods.join(', ')}`);
      const row = await lockForWrite(trx, ctx.workspaceId, requestId, options);
      const from = row.status as RequestStatus;
      if (from !== 'received' && from !== 'identity_unverified') {
        throw new AppError('REQUEST_TRANSITION_REFUSED', {
          from,
          to: 'verified',
          detail: `a request that is ${from} is not waiting for identity`,
        });
      }
      const next = await setRow(trx, row, {
        status: 'verified',
        identity_verified_at: now(),
        identity_method: method,
      });
      await appendStep(trx, ctx, next, { kind: 'identity', summary: `Identity verified: ${method}` });
      await audit(trx, ctx, next, 'request.verify', { method });
      await emit(trx, next, 'request.verified', { method });
    },

    async contactOf(db, workspaceId, requestId, reader) {
      const row = await rowOrThrow(db, workspaceId, requestId);
      if (!row.requester_email || row.purged_at) return null;
      if (deps.gate) {
        const base: ProcessingContext = reader ?? {
          workspaceId,
          actor: { type: 'system', id: 'request-mail' },
          purpose: requestPurposeKey,
          role: requestMailRole,
        };
        await deps.gate.check(
          db,
          { ...base, workspaceId, purpose: requestPurposeKey, answering: { requestId: row.id, personIds: [] } },
          {
            personIds: [],
            operation: 'read',
            attributes: { entity: requestEntity, names: requestAttributes.map((a) => a.attribute) },
            allowedEntry: {
              action: 'request.contact_read',
              resourceId: row.id,
              subjectPseudonym: await pseudonymOf(db, workspaceId, row.person_id),
              details: { reader: reader ? 'staff' : 'mail' },
            },
          },
        );
      }
      const key = await readKey(db, workspaceId, requestId);
      if (!key) return null;
      return {
        email: fieldCipher.decrypt(
          key,
          toBuffer(row.requester_email),
          bindingOf(workspaceId, 'requests', 'requester_email', row.id),
        ),
        language: row.language,
      };
    },

    async get(db, workspaceId, requestId) {
      return view(await rowOrThrow(db, workspaceId, requestId));
    },

    async open(db, ctx, requestId) {
      try {
        return view(await rowOrThrow(db, ctx.workspaceId, requestId));
      } catch (e) {
        await service.auditDenied(ctx, 'request.read', requestId, e);
        throw e;
      }
    },

    async detailsOf(db, workspaceId, requestId) {
      const row = await rowOrThrow(db, workspaceId, requestId);
      if (!row.details) return {};
      const key = await readKey(db, workspaceId, requestId);
      if (!key) return {};
      return fieldCipher.decryptJson<RequestDetails>(
        key,
        toBuffer(row.details),
        bindingOf(workspaceId, 'requests', 'details', row.id),
      );
    },

    async portalView(db, workspaceId, requestId): Promise<PortalRequestView> {
      const row = await rowOrThrow(db, workspaceId, requestId);
      const outcomes = await db
        .selectFrom('request_outcomes')
        .select(['id', 'sentence'])
        .where('request_id', '=', row.id)
        .orderBy('at')
        .orderBy('id')
        .execute();
      const key = outcomes.length > 0 ? await readKey(db, workspaceId, requestId) : undefined;
      const result = await db
        .selectFrom('request_results')
        .select('request_id')
        .where('request_id', '=', row.id)
        .executeTakeFirst();
      return {
        reference: row.reference,
        type: row.type as RequestType,
        status: row.status as RequestStatus,
        receivedAt: row.received_at,
        dueAt: row.due_at,
        extensionReason: row.extension_reason,
        refusalReason: row.refusal_reason,
        outcome: key
          ? outcomes.map((o) =>
              fieldCipher.decrypt(
                key,
                toBuffer(o.sentence),
                bindingOf(workspaceId, 'request_outcomes', 'sentence', o.id),
              ),
            )
          : [],
        hasResult: result !== undefined && row.purged_at === null,
      };
    },

    transition,

    async recordStep(trx, ctx, requestId, step) {
      const row = await lockForWrite(trx, ctx.workspaceId, requestId);
      await appendStep(trx, ctx, row, step);
      await audit(trx, ctx, row, 'request.step', { kind: step.kind, personal: Boolean(step.personal) });
    },

    async addNote(trx, ctx, requestId, note) {
      const text = note.text.trim();
      if (text === '' || text.length > 5000) throw invalid('text', '1 to 5000 characters');
      const row = await lockForWrite(trx, ctx.workspaceId, requestId);
      await appendStep(trx, ctx, row, { kind: 'note', summary: text, personal: note.personal });
      await audit(trx, ctx, row, 'request.note', { personal: note.personal, length: text.length });
    },

    async addOutcome(trx, ctx, requestId, sentence) {
      const text = sentence.trim();
      if (text === '' || text.length > 2000) throw invalid('sentence', '1 to 2000 characters');
      const row = await lockForWrite(trx, ctx.workspaceId, requestId);
      const key = await keys.getOrCreateDataKey(trx, ctx.workspaceId, row.id);
      const id = randomUUID();
      await trx
        .insertInto('request_outcomes')
        .values({
          id,
          workspace_id: ctx.workspaceId,
          request_id: row.id,
          sentence: fieldCipher.encrypt(
            key,
            text,
            bindingOf(ctx.workspaceId, 'request_outcomes', 'sentence', id),
          ),
          at: now(),
        })
        .execute();
      await appendStep(trx, ctx, row, { kind: 'outcome', summary: 'Outcome sentence added for the person' });
      await audit(trx, ctx, row, 'request.outcome', { length: text.length });
    },

    async storeResult(trx, ctx, requestId, file) {
      const row = await lockForWrite(trx, ctx.workspaceId, requestId);
      if (file.filename.trim() === '' || file.filename.length > 200 || /[\\/\r\n"]/.test(file.filename))
        throw invalid('filename', 'a plain file name');
      const key = await keys.getOrCreateDataKey(trx, ctx.workspaceId, row.id);
      const body = fieldCipher.encrypt(
        key,
        file.body.toString('base64'),
        bindingOf(ctx.workspaceId, 'request_results', 'body', row.id),
      );
      await trx.deleteFrom('request_results').where('request_id', '=', row.id).execute();
      await trx
        .insertInto('request_results')
        .values({
          request_id: row.id,
          workspace_id: ctx.workspaceId,
          filename: file.filename,
          content_type: file.contentType,
          size: file.body.length,
          body,
          stored_at: now(),
        })
        .execute();
      await appendStep(trx, ctx, row, {
        kind: 'result',
        summary: `Result file stored (${file.contentType}, ${file.body.length} bytes)`,
      });
      await audit(trx, ctx, row, 'request.result_store', {
        contentType: file.contentType,
        size: file.body.length,
      });
    },

    async readResult(db, workspaceId, requestId) {
      const row = await rowOrThrow(db, workspaceId, requestId);
      const stored = await db
        .selectFrom('request_results')
        .selectAll()
        .where('request_id', '=', row.id)
        .executeTakeFirst();
      if (!stored) return null;
      const key = await readKey(db, workspaceId, requestId);
      if (!key) return null;
      const b64 = fieldCipher.decrypt(
        key,
        toBuffer(stored.body),
        bindingOf(workspaceId, 'request_results', 'body', row.id),
      );
      return {
        filename: stored.filename,
        contentType: stored.content_type,
        body: Buffer.from(b64, 'base64'),
      } satisfies RequestResultFile;
    },

    async linkPerson(trx, ctx, requestId, personId, options) {
      const row = await lockForWrite(trx, ctx.workspaceId, requestId, options);
      if (!(await personExists(trx, ctx.workspaceId, personId)))
        throw new AppError('NOT_FOUND', { resource: 'person' });
      const next = await setRow(trx, row, { person_id: personId });
      await appendStep(trx, ctx, next, { kind: 'linked', summary: 'Linked to a person by staff' });
      await audit(trx, ctx, next, 'request.link_person', {
        replaced: row.person_id !== null && row.person_id !== personId,
      });
    },

    async list(db, workspaceId, filter) {
      const page = await queries.list(db, workspaceId, filter);
      return { items: page.rows.map(view), nextCursor: page.nextCursor };
    },

    async summary(db, workspaceId) {
      return queries.summary(db, workspaceId);
    },

    async update(trx, ctx, requestId, expectedVersion, patch) {
      const row = await lockForWrite(trx, ctx.workspaceId, requestId, { expectedVersion });
      const set: Partial<Row> = {};
      if (patch.language !== undefined) set.language = validateLanguage(patch.language);
      if (patch.assigneeId !== undefined) {
        if (patch.assigneeId !== null) await assertAssignee(trx, ctx.workspaceId, patch.assigneeId);
        set.assignee_id = patch.assigneeId;
      }
      if (Object.keys(set).length === 0) return view(row);
      const next = await setRow(trx, row, set);
      if (set.assignee_id !== undefined && set.assignee_id !== row.assignee_id) {
        await appendStep(trx, ctx, next, {
          kind: 'assigned',
          summary: set.assignee_id === null ? 'Unassigned' : `Assigned to user ${set.assignee_id}`,
        });
      }
      if (set.language !== undefined && set.language !== row.language)
        await appendStep(trx, ctx, next, { kind: 'language', summary: `Language: ${set.language}` });
      await audit(trx, ctx, next, 'request.update', { fields: Object.keys(set) });
      return view(next);
    },

    async extend(trx, ctx, requestId, months, reason, options) {
      const row = await lockForWrite(trx, ctx.workspaceId, requestId, options);
      const from = row.status as RequestStatus;
      if (from !== 'extended') assertTransition(from, 'extended');
      const due = extendedDueDate(
        { receivedAt: row.received_at, originalDueAt: row.original_due_at, dueAt: row.due_at },
        months,
        reason,
        clock.now(),
      );
      const text = reason.trim();
      if (text.length > 2000) throw invalid('reason', 'at most 2000 characters');
      const next = await setRow(trx, row, {
        status: 'extended',
        due_at: due,
        extended_until: due,
        extension_reason: text,
        extended_at: now(),
      });
      await appendStep(trx, ctx, next, {
        kind: 'extended',
        summary: `Deadline extended by ${months} month(s) to ${due.slice(0, 10)}`,
      });
      await appendStep(trx, ctx, next, { kind: 'extension_reason', summary: text, personal: true });
      await audit(trx, ctx, next, 'request.extend', { months, dueAt: due });
      await emit(trx, next, 'request.extended', { months, dueAt: due });
      return view(next);
    },

    async timeline(db, workspaceId, requestId) {
      const row = await rowOrThrow(db, workspaceId, requestId);
      const steps = await db
        .selectFrom('request_steps')
        .selectAll()
        .where('request_id', '=', row.id)
        .orderBy('seq')
        .execute();
      const key = steps.some((s) => s.personal_summary)
        ? await readKey(db, workspaceId, requestId)
        : undefined;
      return steps.map((s) => ({
        id: s.id,
        seq: s.seq,
        kind: s.kind,
        summary:
          s.personal_summary === null
            ? (s.summary ?? '')
            : key
              ? fieldCipher.decrypt(
                  key,
                  toBuffer(s.personal_summary),
                  bindingOf(workspaceId, 'request_steps', 'personal_summary', s.id),
                )
              : '[purged]',
        personal: s.personal_summary !== null,
        actor: { type: s.actor_type as Actor['type'], id: s.actor_id },
        at: s.at,
      }));
    },

    async auditDenied(ctx, action, requestId, error) {
      const code = isAppError(error) ? error.code : 'INTERNAL';
      await deps.db.transaction().execute((trx) =>
        appendAudit(trx, auditDeps, {
          workspaceId: ctx.workspaceId,
          actor: ctx.actor,
          action,
          outcome: 'denied',
          resourceType: 'request',
          resourceId: requestId !== null && isUuid(requestId) ? requestId : null,
          requestId: ctx.requestId ?? null,
          ip: ctx.ip ?? null,
          details: { code },
        }),
      );
    },

    async purge(trx, ctx, requestId) {
      const row = await lockForWrite(trx, ctx.workspaceId, requestId);
      if (row.purged_at) return;
      await trx
        .updateTable('requests')
        .set({
          requester_email: null,
          details: null,
          purged_at: now(),
          updated_at: now(),
          version: row.version + 1,
        })
        .where('workspace_id', '=', ctx.workspaceId)
        .where('id', '=', row.id)
        .execute();
      await trx.deleteFrom('request_results').where('request_id', '=', row.id).execute();
      await appendStep(trx, ctx, row, {
        kind: 'purged',
        summary: "The request's personal data was destroyed",
      });
      await audit(trx, ctx, row, 'request.purge', {});
      // Irreversible: last.
      await keys.destroyDataKey(trx, ctx.workspaceId, row.id);
    },
  };

  return service;
}
