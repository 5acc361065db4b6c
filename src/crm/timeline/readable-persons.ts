import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { isAppError, type AppError } from '../../errors.ts';
import type { Catalogue } from '../../kernel/catalogue/create-catalogue.ts';
import type { Gate } from '../../kernel/gate/create-gate.ts';
import { decideProcessing } from '../../kernel/gate/decide-processing.ts';
import type { ProcessingContext } from '../../kernel/gate/processing-context.ts';
import type { PurposeRegister } from '../../kernel/purposes/purpose-register.ts';
import { purposeNeedsConsent } from '../../kernel/purposes/purpose-types.ts';
import { loadStandings } from '../../kernel/standing/load-standings.ts';

export interface ReadablePersonsDeps {
  readonly gate: Gate;
  readonly purposes: Pick<PurposeRegister, 'getOrThrow'>;
  readonly catalogue: Pick<Catalogue, 'assertDeclared' | 'categoryFacts'>;
}

/** Which persons of a page may be read; `refusal` is the gate's answer when some (or all) may not. */
export interface ReadablePersons {
  readonly readable: ReadonlySet<string>;
  readonly refusal?: AppError;
}

/** Refusals about some of the persons, not about the purpose, the role or the categories. */
const personLevelRefusals: ReadonlySet<string> = new Set(['OBJECTED', 'RESTRICTED', 'CONSENT_MISSING']);
/** Refusals about the purpose, the role or the categories: nobody's content may be read. */
const wholeRefusals: ReadonlySet<string> = new Set(['ROLE_PURPOSE_DENIED', 'PURPOSE_INACTIVE', 'ROLE_CATEGORY_DENIED', 'CATEGORY_NOT_IN_PURPOSE', 'NO_LAWFUL_BASIS']);

/**
 * Runs the gate (operation `read`) for the persons a page of content is about. When the purpose, the role or the
 * categories refuse, it throws the refusal, or with `hideOnRefusal` answers that no person is readable (a list that
 * also holds business data shows that, and hides the rest). When only some persons refuse (objection, restriction, missing consent),
 * the others stay readable: the refused ones are found with the gate's own pure decision over their standing and the
 * gate runs again for the rest. Every attempt is audited by the gate (one entry with a count and digest).
 *
 * @example
 * const { readable } = await readablePersons(deps, db, ctx, { personIds, attributes: { entity: 'activity', names: ['subject', 'body'] } });
 */
export async function readablePersons(
  deps: ReadablePersonsDeps,
  db: Kysely<Database>,
  ctx: ProcessingContext,
  request: {
    readonly personIds: readonly string[];
    readonly attributes: { readonly entity: string; readonly names: readonly string[] };
    readonly hideOnRefusal?: boolean;
  },
): Promise<ReadablePersons> {
  const ids = [...new Set(request.personIds)];
  if (ids.length === 0) return { readable: new Set() };
  let refusal: AppError;
  try {
    await deps.gate.check(db, ctx, { personIds: ids, operation: 'read', attributes: request.attributes });
    return { readable: new Set(ids) };
  } catch (error) {
    if (isAppError(error) && request.hideOnRefusal === true && wholeRefusals.has(error.code)) return { readable: new Set(), refusal: error };
    if (!isAppError(error) || !personLevelRefusals.has(error.code)) throw error;
    refusal = error;
  }
  if (ids.length === 1) return { readable: new Set(), refusal };
  const purpose = await deps.purposes.getOrThrow(db, ctx.workspaceId, ctx.purpose);
  const declared = await deps.catalogue.assertDeclared(db, ctx.workspaceId, request.attributes.entity, request.attributes.names);
  const categories = await deps.catalogue.categoryFacts(db, ctx.workspaceId, declared.map((d) => d.category));
  const withConsent = purposeNeedsConsent(purpose, categories.some((c) => c.special));
  const standings = await loadStandings(db, ctx.workspaceId, ids, purpose.key, { withConsent });
  const ok = standings
    .filter((st) => decideProcessing({ purpose, role: ctx.role, categories, standings: [st], operation: 'read' }).allowed)
    .map((st) => st.personId);
  if (ok.length > 0) await deps.gate.check(db, ctx, { personIds: ok, operation: 'read', attributes: request.attributes });
  return { readable: new Set(ok), refusal };
}
