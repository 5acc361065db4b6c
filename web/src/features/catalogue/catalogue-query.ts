import type { RequestBody, Success } from '../../api/api-types.ts';

/** A data category as `GET /catalogue/categories` lists it. */
export type Category = Success<'/api/v1/catalogue/categories', 'get'>['items'][number];

/** A declared personal-data attribute. */
export type Attribute = Success<'/api/v1/catalogue/attributes', 'get'>['items'][number];

export type NewCategory = RequestBody<'/api/v1/catalogue/categories', 'post'>;
export type NewAttribute = RequestBody<'/api/v1/catalogue/attributes', 'post'>;
export type SourceType = Attribute['source'];

/** Cache keys of the catalogue; invalidated after a change. */
export const categoriesQueryKey = ['catalogue', 'categories'] as const;
export const attributesQueryKey = ['catalogue', 'attributes'] as const;

/** How an attribute's values come to be held (Art. 13/14 information). */
export const sourceLabels: Record<SourceType, string> = {
  provided: 'Provided by the person',
  observed: 'Observed',
  derived: 'Derived',
  inferred: 'Inferred',
};

/** Categories keyed for the tree: `user.contact.email` sits under `user.contact`. */
export interface CategoryRow {
  readonly category: Category;
  /** Dots in the key: 0 for a top-level category. */
  readonly depth: number;
}

/**
 * Orders categories as a tree (each under its parent key, siblings by key) for an indented listing.
 *
 * @example
 * categoryTree([{ key: 'user.contact.email', … }, { key: 'user.contact', … }]);
 * // [{ category: user.contact, depth: 1 }, { category: user.contact.email, depth: 2 }]
 */
export function categoryTree(categories: readonly Category[]): CategoryRow[] {
  // Sorting segment by segment puts every key right after its parent and before the parent's next sibling.
  const sorted = [...categories].sort((a, b) => {
    const as = a.key.split('.');
    const bs = b.key.split('.');
    for (let i = 0; i < Math.min(as.length, bs.length); i++) {
      const c = (as[i] ?? '').localeCompare(bs[i] ?? '');
      if (c !== 0) return c;
    }
    return as.length - bs.length;
  });
  return sorted.map((category) => ({ category, depth: category.key.split('.').length - 1 }));
}
