import { canonicalCategoryKey } from './taxonomy.ts';

/**
 * Whether `key` lies under `prefix` in the category tree: equal to it, or a descendant (`user.contact` holds
 * `user.contact.email`, but not `user.contactless`). `*` holds every key. Deprecated keys on either side are read as
 * their replacement.
 *
 * @example
 * categoryWithin('user.contact.email', 'user.contact'); // true
 * categoryWithin('user.professional_information.workplace', 'user.workplace'); // true (deprecated key)
 */
export function categoryWithin(key: string, prefix: string): boolean {
  if (prefix === '*') return true;
  const k = canonicalCategoryKey(key);
  const p = canonicalCategoryKey(prefix);
  return k === p || k.startsWith(`${p}.`);
}

/**
 * Whether any of `prefixes` holds `key`.
 *
 * @example
 * categoryWithinAny('user.name.first', ['user.contact', 'user.name']); // true
 */
export function categoryWithinAny(key: string, prefixes: readonly string[]): boolean {
  return prefixes.some((p) => categoryWithin(key, p));
}
