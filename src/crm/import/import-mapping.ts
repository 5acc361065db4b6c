import { AppError } from '../../errors.ts';

/** The person fields a CSV column can be mapped to. */
export const importFields = [
  'firstName', 'lastName', 'email', 'phone', 'jobTitle', 'notes', 'lifecycleStage', 'tags',
  'street', 'city', 'postalCode', 'region', 'country',
] as const;
export type ImportField = (typeof importFields)[number];

/**
 * The declared person attribute (data catalogue) a field's values are, or null for business data (stage, tags).
 *
 * @example
 * catalogueAttributeOf('city'); // 'address'
 */
export function catalogueAttributeOf(field: ImportField): string | null {
  switch (field) {
    case 'street':
    case 'city':
    case 'postalCode':
    case 'region':
    case 'country':
      return 'address';
    case 'lifecycleStage':
    case 'tags':
      return null;
    default:
      return field;
  }
}

/** CSV header → person field. */
export type ImportMapping = Readonly<Record<string, ImportField>>;

/** Header spellings recognised without a mapping, compared after `headerKey` (lower case, letters and digits only). */
const synonyms: Readonly<Record<ImportField, readonly string[]>> = {
  firstName: ['firstname', 'first', 'givenname', 'forename', 'prenom', 'vorname', 'nombre'],
  lastName: ['lastname', 'last', 'surname', 'familyname', 'nom', 'nachname', 'apellido'],
  email: ['email', 'emailaddress', 'mail', 'courriel', 'primaryemail'],
  phone: ['phone', 'phonenumber', 'telephone', 'tel', 'mobile', 'cell', 'telefon', 'telefono'],
  jobTitle: ['jobtitle', 'title', 'position', 'role', 'poste', 'fonction'],
  notes: ['notes', 'note', 'comments', 'comment'],
  lifecycleStage: ['lifecyclestage', 'stage', 'lifecycle'],
  tags: ['tags', 'tag', 'labels'],
  street: ['street', 'address', 'streetaddress', 'addressline1', 'rue', 'strasse'],
  city: ['city', 'town', 'ville', 'stadt'],
  postalCode: ['postalcode', 'postcode', 'zip', 'zipcode', 'codepostal', 'plz'],
  region: ['region', 'state', 'province', 'county'],
  country: ['country', 'countrycode', 'pays', 'land'],
};

/** A header reduced for comparison: accents removed, lower case, letters and digits only. */
function headerKey(header: string): string {
  return header.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]/g, '');
}

function isImportField(value: string): value is ImportField {
  return (importFields as readonly string[]).includes(value);
}

function invalid(detail: string, path: string): AppError {
  return new AppError('VALIDATION_FAILED', { detail, errors: [{ path, message: detail }] });
}

/**
 * Parses a mapping given on the command line (`"E-mail=email,Prénom=firstName"`) or as a JSON object
 * (`{"E-mail":"email"}`). Unknown target fields are refused.
 *
 * @example
 * parseMapping('E-mail=email,Prénom=firstName'); // { 'E-mail': 'email', 'Prénom': 'firstName' }
 */
export function parseMapping(text: string): ImportMapping {
  const trimmed = text.trim();
  let pairs: [string, string][];
  if (trimmed.startsWith('{')) {
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch {
      throw invalid('The mapping is not valid JSON', '/map');
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalid('The mapping must be an object', '/map');
    pairs = Object.entries(value).map(([k, v]) => [k, typeof v === 'string' ? v : '']);
  } else {
    pairs = trimmed
      .split(',')
      .filter((p) => p.trim() !== '')
      .map((p) => {
        const at = p.lastIndexOf('=');
        if (at <= 0) throw invalid('Each mapping entry is Header=field', '/map');
        return [p.slice(0, at).trim(), p.slice(at + 1).trim()];
      });
  }
  return checkMapping(Object.fromEntries(pairs));
}

/**
 * Checks a mapping object from an API body: every target a known field, each field mapped once.
 *
 * @example
 * checkMapping({ Email: 'email' });
 */
export function checkMapping(mapping: Readonly<Record<string, string>>): ImportMapping {
  const out: Record<string, ImportField> = {};
  const used = new Set<string>();
  for (const [header, field] of Object.entries(mapping)) {
    if (!isImportField(field)) throw invalid(`Unknown person field in the mapping; known: ${importFields.join(', ')}`, '/map');
    if (used.has(field)) throw invalid(`The field ${field} is mapped twice`, '/map');
    used.add(field);
    out[header] = field;
  }
  return out;
}

/** How each column of a file is used: the field it fills, or null when ignored. */
export interface ResolvedColumns {
  readonly fields: readonly (ImportField | null)[];
  /** The mapping actually applied (explicit entries plus auto-mapped headers). */
  readonly mapping: ImportMapping;
}

/**
 * Resolves the columns of a header row: explicit mapping first, then header names recognised automatically. A
 * column that maps to nothing is refused (`CSV_UNKNOWN_COLUMNS`, naming the column positions) unless `ignoreUnknown`.
 *
 * @example
 * resolveColumns(['E-mail', 'Prénom'], {}, false).fields; // ['email', 'firstName']
 */
export function resolveColumns(headers: readonly string[], explicit: ImportMapping, ignoreUnknown: boolean): ResolvedColumns {
  const missing = Object.keys(explicit).filter((h) => !headers.includes(h));
  if (missing.length > 0) {
    throw new AppError('CSV_UNKNOWN_COLUMNS', { detail: 'The mapping names columns the file does not have', columns: missing });
  }
  const taken = new Set(Object.values(explicit));
  const fields: (ImportField | null)[] = [];
  const mapping: Record<string, ImportField> = {};
  // Columns are named by position in errors: a file without a header row would otherwise echo its first row.
  const unknown: number[] = [];
  const seen = new Set<string>();
  for (const [index, header] of headers.entries()) {
    if (seen.has(header)) throw new AppError('CSV_UNKNOWN_COLUMNS', { detail: 'Two columns have the same header', columns: [index + 1] });
    seen.add(header);
    let field: ImportField | null = explicit[header] ?? null;
    if (!field) {
      const key = headerKey(header);
      const auto = importFields.find((f) => !taken.has(f) && synonyms[f].includes(key));
      if (auto) {
        field = auto;
        taken.add(auto);
      }
    }
    if (field) mapping[header] = field;
    else unknown.push(index + 1);
    fields.push(field);
  }
  if (unknown.length > 0 && !ignoreUnknown) {
    throw new AppError('CSV_UNKNOWN_COLUMNS', { detail: 'Columns not mapped to a person field: map them or ignore them explicitly', columns: unknown });
  }
  if (fields.every((f) => f === null)) {
    throw new AppError('CSV_UNKNOWN_COLUMNS', { detail: 'No column maps to a person field', columns: headers.map((_h, i) => i + 1) });
  }
  return { fields, mapping };
}
