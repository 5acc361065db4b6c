import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { Catalogue } from '../catalogue/create-catalogue.ts';
import { categoryWithinAny } from '../catalogue/category-prefix.ts';
import type { ProcessingContext } from '../gate/processing-context.ts';
import type { PurposeRegister } from '../purposes/purpose-register.ts';
import { personAttributes, type PersonAttribute } from './person-fields.ts';

/**
 * The person attributes a read under `ctx` may show: those whose category lies within both the role's data categories
 * and the purpose's categories (minimisation). The others are withheld (shown as null, never decrypted) rather than
 * refusing the whole person; the gate still checks the attributes read. An unknown purpose gives every attribute, so
 * that the gate answers with its own refusal.
 *
 * @example
 * const { readable, withheld } = await readableAttributes(db, { catalogue, purposes }, ctx);
 */
export async function readableAttributes(
  db: Kysely<Database>,
  deps: { readonly catalogue: Pick<Catalogue, 'assertDeclared'>; readonly purposes: Pick<PurposeRegister, 'find'> },
  ctx: ProcessingContext,
): Promise<{ readonly readable: readonly PersonAttribute[]; readonly withheld: readonly PersonAttribute[] }> {
  const purpose = await deps.purposes.find(db, ctx.workspaceId, ctx.purpose);
  if (!purpose) return { readable: personAttributes, withheld: [] };
  const declared = await deps.catalogue.assertDeclared(db, ctx.workspaceId, 'person', personAttributes);
  const covered = [...purpose.requiredCategories, ...purpose.optionalCategories];
  const ok = new Set(
    declared.filter((d) => categoryWithinAny(d.category, ctx.role.dataCategories) && categoryWithinAny(d.category, covered)).map((d) => d.attribute),
  );
  const readable = personAttributes.filter((a) => ok.has(a));
  // Nothing readable: check them all, so that the gate refuses with its reason instead of showing an empty person.
  if (readable.length === 0) return { readable: personAttributes, withheld: [] };
  return { readable, withheld: personAttributes.filter((a) => !ok.has(a)) };
}
