import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { categoryWithin } from '../../kernel/catalogue/category-prefix.ts';
import { defaultTaxonomy, findDefaultCategory, parentCategoryKey } from '../../kernel/catalogue/taxonomy.ts';

/** Whether a category prefix reaches Art. 9 data: it is special itself, lies under a special node, or holds one. */
export type SpecialTest = (prefix: string) => boolean;

/**
 * Builds the test for a workspace: the default taxonomy's special nodes plus the workspace's own special categories.
 *
 * @example
 * const touchesSpecial = await specialCategoryTest(db, workspaceId);
 * touchesSpecial('user.health'); // true
 * touchesSpecial('*'); // true (every key)
 */
export async function specialCategoryTest(db: Kysely<Database>, workspaceId: string): Promise<SpecialTest> {
  const own = await db
    .selectFrom('catalogue_categories')
    .select('key')
    .where('workspace_id', '=', workspaceId)
    .where('special', '=', 1)
    .execute();
  const specialKeys = [
    ...defaultTaxonomy.filter((c) => c.special).map((c) => c.key),
    ...own.map((c) => c.key),
  ];
  const ownSpecial = new Set(own.map((c) => c.key));
  const isSpecialNode = (key: string): boolean => {
    for (let k: string | null = key; k; k = parentCategoryKey(k)) {
      if (ownSpecial.has(k) || findDefaultCategory(k)?.special) return true;
    }
    return false;
  };
  return (prefix) =>
    prefix === '*' || isSpecialNode(prefix) || specialKeys.some((k) => categoryWithin(k, prefix));
}
