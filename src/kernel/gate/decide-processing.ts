import { categoryWithinAny } from '../catalogue/category-prefix.ts';
import { purposeNeedsConsent, type PurposeRecord } from '../purposes/purpose-types.ts';
import type { PurposeStanding } from '../standing/standing-types.ts';

/** What is done with personal data. `store` is keeping it without using it (the one thing a restriction allows). */
export const operations = ['read', 'write', 'search', 'export', 'send', 'share', 'store'] as const;
export type Operation = (typeof operations)[number];

/** A data category touched, with the flags that change the rules. */
export interface CategoryFacts {
  readonly key: string;
  /** Art. 9 special category. */
  readonly special: boolean;
  /** Art. 10 criminal-offence data. */
  readonly criminal: boolean;
}

/** The grant of the acting role (see `RoleGrant`): purpose keys and category key prefixes, `*` = all. */
export interface RoleScope {
  readonly purposes: readonly string[];
  readonly dataCategories: readonly string[];
  /** The role's permissions (`requests:write`, …); only the built-in requests purpose looks at them. */
  readonly permissions?: ReadonlySet<string> | readonly string[] | undefined;
}

export interface ProcessingInput {
  /** Current version of the purpose the processing runs under. */
  readonly purpose: PurposeRecord;
  readonly role: RoleScope;
  readonly categories: readonly CategoryFacts[];
  /** Standing for `purpose` of every person concerned (empty when no existing person is touched, e.g. a create). */
  readonly standings: readonly PurposeStanding[];
  readonly operation: Operation;
  /** Persons concerned, and the request being answered: read by the built-in requests purpose's rule only. */
  readonly personIds?: readonly string[] | undefined;
  readonly answering?: { readonly personIds: readonly string[] } | undefined;
}

/** Codes the gate refuses with; each is in the error catalogue (`src/errors.ts`). */
export type RefusalCode =
  | 'ROLE_PURPOSE_DENIED'
  | 'PURPOSE_INACTIVE'
  | 'ROLE_CATEGORY_DENIED'
  | 'CATEGORY_NOT_IN_PURPOSE'
  | 'NO_LAWFUL_BASIS'
  | 'RESTRICTED'
  | 'OBJECTED'
  | 'CONSENT_MISSING';

export type ProcessingDecision =
  | { readonly allowed: true }
  | {
      readonly allowed: false;
      readonly code: RefusalCode;
      /** Why, in words without personal data. */
      readonly reason: string;
      /** Categories at fault (category and role-category refusals). */
      readonly categories?: readonly string[];
      /** Persons at fault (person-level refusals). */
      readonly personIds?: readonly string[];
    };

/** Bases a data subject may object to under Art. 21(1); a pending objection pauses them. */
const objectableBases = new Set(['legitimate_interests', 'public_task']);
/** Art. 10: criminal-offence data only under official authority or when the law authorises it. */
const criminalDataBases = new Set(['legal_obligation', 'public_task']);

function refuse(
  code: RefusalCode,
  reason: string,
  extra: { categories?: readonly string[]; personIds?: readonly string[] } = {},
): ProcessingDecision {
  return { allowed: false, code, reason, ...extra };
}

function lawfulBasisGap(purpose: PurposeRecord, categories: readonly CategoryFacts[]): string | undefined {
  if (purpose.lawfulBasis === 'legitimate_interests' && !purpose.legitimateInterestAssessment?.trim()) {
    return 'legitimate interests without a legitimate-interest assessment';
  }
  if (categories.some((c) => c.special) && purpose.art9Condition === null) {
    return 'special-category data without an Art. 9(2) condition';
  }
  if (categories.some((c) => c.criminal) && !criminalDataBases.has(purpose.lawfulBasis)) {
    return 'criminal-offence data without official authority or a legal obligation (Art. 10)';
  }
  return undefined;
}

/** What answering a person's own request may do: never send (marketing) or share, nor search among people. */
const requestOperations = new Set<Operation>(['read', 'write', 'export', 'store']);

/**
 * The rule of the built-in `data_subject_requests` purpose (ADR 0034), in place of the role's purpose list: the role
 * handles requests (`requests:write`, or `requests:read` to read), an operation of `requestOperations`, run while
 * answering a request, on no one but the person the request is about.
 */
function requestPurposeRefusal(input: ProcessingInput): ProcessingDecision | undefined {
  const { purpose, role, operation } = input;
  const granted = role.permissions ?? [];
  const holds = (p: string) => ('has' in granted ? granted.has(p) : granted.includes(p));
  const handles = holds('requests:write') || (operation === 'read' && holds('requests:read'));
  if (!handles) {
    return refuse('ROLE_PURPOSE_DENIED', `only roles that handle data subject requests may use purpose ${purpose.key}`);
  }
  if (!requestOperations.has(operation)) {
    return refuse('ROLE_PURPOSE_DENIED', `purpose ${purpose.key} answers requests: it may not ${operation} data`);
  }
  if (!input.answering) {
    return refuse('ROLE_PURPOSE_DENIED', `purpose ${purpose.key} is used only to answer a data subject request`);
  }
  const own = new Set(input.answering.personIds);
  const others = (input.personIds ?? []).filter((id) => !own.has(id));
  if (others.length > 0) {
    return refuse('ROLE_PURPOSE_DENIED', `purpose ${purpose.key} reaches only the person whose request is answered`, {
      personIds: others,
    });
  }
  return undefined;
}

function personRefusal(
  purpose: PurposeRecord,
  standings: readonly PurposeStanding[],
  operation: Operation,
  needsConsent: boolean,
): ProcessingDecision | undefined {
  // Answering the person's own request reaches them whatever their restriction or objection (ADR 0034).
  const answering = purpose.answersRequests;
  const restricted = standings.filter((s) => s.restricted);
  if (restricted.length > 0 && operation !== 'store' && !purpose.legalClaims && !answering) {
    return refuse('RESTRICTED', 'processing of the person is restricted (Art. 18): storage only', {
      personIds: restricted.map((s) => s.personId),
    });
  }
  const objected = standings.filter(
    (s) =>
      !answering &&
      (s.objection === 'upheld' ||
      (s.objection === 'pending' && (purpose.directMarketing || objectableBases.has(purpose.lawfulBasis)))),
  );
  if (objected.length > 0) {
    return refuse('OBJECTED', 'the person objected to this purpose (Art. 21)', {
      personIds: objected.map((s) => s.personId),
    });
  }
  if (needsConsent) {
    const missing = standings.filter((s) => s.consent !== 'given');
    if (missing.length > 0) {
      return refuse('CONSENT_MISSING', 'no current consent for this purpose', {
        personIds: missing.map((s) => s.personId),
      });
    }
  }
  return undefined;
}

/**
 * The processing gate's decision, pure: no I/O, no clock. Checks, in order: the role may use the purpose, the
 * purpose is active, the role may touch the categories, the purpose covers them, a lawful basis exists for them
 * (LIA for legitimate interests, an Art. 9(2) condition for special data, Art. 10 for criminal data), then each
 * person's standing (restriction, objection, consent). The first failed check is the answer. The built-in requests
 * purpose (`answersRequests`) replaces the first check with its own rule and skips restriction and objection.
 *
 * @example
 * const d = decideProcessing({ purpose, role: principal.role, categories, standings, operation: 'read' });
 * if (!d.allowed) throw new AppError(d.code, { reason: d.reason });
 */
export function decideProcessing(input: ProcessingInput): ProcessingDecision {
  const { purpose, role, categories, standings, operation } = input;
  if (purpose.answersRequests) {
    const refusal = requestPurposeRefusal(input);
    if (refusal) return refusal;
  } else if (!role.purposes.includes('*') && !role.purposes.includes(purpose.key)) {
    return refuse('ROLE_PURPOSE_DENIED', `the role may not process data for purpose ${purpose.key}`);
  }
  if (!purpose.active) return refuse('PURPOSE_INACTIVE', `purpose ${purpose.key} is not active`);

  const outsideRole = categories
    .filter((c) => !categoryWithinAny(c.key, role.dataCategories))
    .map((c) => c.key);
  if (outsideRole.length > 0) {
    return refuse('ROLE_CATEGORY_DENIED', 'the role may not touch these data categories', {
      categories: outsideRole,
    });
  }
  const covered = [...purpose.requiredCategories, ...purpose.optionalCategories];
  const outsidePurpose = categories.filter((c) => !categoryWithinAny(c.key, covered)).map((c) => c.key);
  if (outsidePurpose.length > 0) {
    return refuse('CATEGORY_NOT_IN_PURPOSE', `purpose ${purpose.key} does not cover these data categories`, {
      categories: outsidePurpose,
    });
  }
  const gap = lawfulBasisGap(purpose, categories);
  if (gap) return refuse('NO_LAWFUL_BASIS', gap);

  const needsConsent = purposeNeedsConsent(
    purpose,
    categories.some((c) => c.special),
  );
  return personRefusal(purpose, standings, operation, needsConsent) ?? { allowed: true };
}
