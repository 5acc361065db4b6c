import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { Catalogue } from '../../kernel/catalogue/create-catalogue.ts';
import { categoryWithinAny } from '../../kernel/catalogue/category-prefix.ts';
import { normaliseRetention } from '../../kernel/catalogue/retention.ts';
import { canonicalCategoryKey } from '../../kernel/catalogue/taxonomy.ts';
import type { PurposeRegister } from '../../kernel/purposes/purpose-register.ts';
import type { PersonFieldClassification } from './custom-field-types.ts';

/** A classification that passed every rule, with the category's key and retention as stored. */
export interface CheckedClassification extends PersonFieldClassification {
  readonly category: string;
  readonly retention: string;
}

const criminalDataBases = new Set(['legal_obligation', 'public_task']);

function refuse(reason: string, extra: Record<string, unknown> = {}): AppError {
  return new AppError('FIELD_CLASSIFICATION_REFUSED', { detail: `Refused: ${reason}`, reason, ...extra });
}

/**
 * Checks the classification of a new person field: it is given, the category exists in the catalogue, the special
 * flag matches the category (Art. 9), the retention is a duration, and every purpose exists, covers the category,
 * holds an Art. 9(2) condition when the data is special and an Art. 10 basis when it is criminal-offence data.
 * Throws `FIELD_CLASSIFICATION_REFUSED` naming the rule and the purposes at fault (never a value).
 *
 * @example
 * const checked = await classifyPersonField({ catalogue, purposes }, trx, workspaceId,
 *   { category: 'user.professional_information', special: false, source: 'provided', retention: 'P2Y', purposes: ['crm'] });
 */
export async function classifyPersonField(
  deps: { readonly catalogue: Pick<Catalogue, 'listCategories'>; readonly purposes: Pick<PurposeRegister, 'find'> },
  db: Kysely<Database>,
  workspaceId: string,
  classification: PersonFieldClassification | undefined,
): Promise<CheckedClassification> {
  if (!classification) {
    throw refuse('a person field must be classified: data category, special flag, source, retention and purposes');
  }
  const key = canonicalCategoryKey(classification.category);
  const category = (await deps.catalogue.listCategories(db, workspaceId)).find((c) => c.key === key);
  if (!category) throw refuse('the data category is not in the catalogue', { category: classification.category });
  if (category.replacedBy) throw refuse('the data category is deprecated', { category: key, replacedBy: category.replacedBy });
  if (classification.special !== category.special) {
    throw refuse(
      category.special
        ? 'the category is special (Art. 9): the field must be flagged special'
        : 'the field is flagged special (Art. 9) but its category is not: choose a special category',
      { category: key },
    );
  }
  const retention = normaliseRetention(classification.retention);
  if (!retention) throw refuse('the retention must be an ISO 8601 duration such as P2Y or a number of days');
  const purposeKeys = [...new Set(classification.purposes)];
  if (purposeKeys.length === 0) throw refuse('name at least one purpose the field serves');
  for (const purposeKey of purposeKeys) {
    const purpose = await deps.purposes.find(db, workspaceId, purposeKey);
    if (!purpose) throw refuse('the purpose is not in the register', { purpose: purposeKey });
    if (!categoryWithinAny(key, [...purpose.requiredCategories, ...purpose.optionalCategories])) {
      throw refuse(`purpose ${purposeKey} does not cover the data category`, { purpose: purposeKey, category: key });
    }
    if (category.special && purpose.art9Condition === null) {
      throw refuse(`purpose ${purposeKey} has no Art. 9(2) condition for special-category data`, { purpose: purposeKey, category: key });
    }
    if (category.criminal && !criminalDataBases.has(purpose.lawfulBasis)) {
      throw refuse(`purpose ${purposeKey} has no Art. 10 basis for criminal-offence data`, { purpose: purposeKey, category: key });
    }
  }
  return { ...classification, category: key, retention, purposes: purposeKeys };
}
