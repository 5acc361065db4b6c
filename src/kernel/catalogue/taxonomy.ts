/**
 * The default data-category taxonomy, compatible with fideslang ≥ 3.2 keys (`user.contact.email`, …), with the
 * GDPR flags Custodian needs: `special` (Art. 9 special categories) and `criminal` (Art. 10 criminal-offence data).
 * Deprecated fideslang keys are kept with `replacedBy`, so that grants written with an old key keep working.
 *
 * Workspaces add their own categories beside these (table `catalogue_categories`).
 */
export interface TaxonomyCategory {
  /** Dotted key; its parent is the key without the last segment. */
  readonly key: string;
  /** Human name. */
  readonly name: string;
  /** Art. 9 special category (this node and everything under it). */
  readonly special: boolean;
  /** Art. 10 criminal convictions and offences (this node and everything under it). */
  readonly criminal: boolean;
  /** Set on deprecated keys: the key that replaces it. */
  readonly replacedBy?: string;
}

type Row = readonly [key: string, name: string, flags?: 'special' | 'criminal' | { replacedBy: string }];

const rows: readonly Row[] = [
  ['system', 'System data'],
  ['system.authentication', 'Authentication data of the system'],
  ['system.operations', 'Operational data of the system'],
  ['user', 'Data about a person'],
  ['user.account', 'Account'],
  ['user.account.username', 'Account username'],
  ['user.authorization', 'Authorisation'],
  ['user.authorization.credentials', 'Credentials'],
  ['user.authorization.password', 'Password'],
  ['user.authorization.biometrics', 'Biometric credentials', 'special'],
  ['user.behavior', 'Observed behaviour'],
  ['user.behavior.browsing_history', 'Browsing history'],
  ['user.behavior.media_consumption', 'Media consumption'],
  ['user.behavior.purchase_history', 'Purchase history'],
  ['user.behavior.search_history', 'Search history'],
  ['user.biometrics', 'Biometrics', 'special'],
  ['user.biometrics.fingerprint', 'Fingerprint', 'special'],
  ['user.biometrics.retinal', 'Retinal scan', 'special'],
  ['user.biometrics.voice', 'Voice print', 'special'],
  ['user.children', 'Data about children'],
  ['user.children.children_under_thirteen', 'Children under thirteen'],
  ['user.children.thirteen_to_sixteen', 'Children from thirteen to sixteen'],
  ['user.contact', 'Contact data'],
  ['user.contact.email', 'Email address'],
  ['user.contact.phone_number', 'Phone number'],
  ['user.contact.fax_number', 'Fax number'],
  ['user.contact.social_url', 'Social profile URL'],
  ['user.contact.address', 'Postal address'],
  ['user.contact.address.street', 'Street'],
  ['user.contact.address.city', 'City'],
  ['user.contact.address.state', 'State or region'],
  ['user.contact.address.postal_code', 'Postal code'],
  ['user.contact.address.country', 'Country'],
  ['user.contact.address.mailing_address', 'Mailing address'],
  ['user.content', 'Content'],
  ['user.content.private', 'Private content'],
  ['user.content.public', 'Public content'],
  ['user.content.self_image', 'Self image'],
  ['user.demographic', 'Demographics'],
  ['user.demographic.age_range', 'Age range'],
  ['user.demographic.date_of_birth', 'Date of birth'],
  ['user.demographic.gender', 'Gender'],
  ['user.demographic.language', 'Language'],
  ['user.demographic.marital_status', 'Marital status'],
  ['user.demographic.profile', 'Demographic profile'],
  ['user.demographic.political_opinion', 'Political opinion', 'special'],
  ['user.demographic.race_ethnicity', 'Racial or ethnic origin', 'special'],
  ['user.demographic.religious_belief', 'Religious belief', 'special'],
  ['user.demographic.sexual_orientation', 'Sexual orientation', 'special'],
  ['user.demographic.union_membership', 'Trade-union membership', 'special'],
  ['user.demographic.philosophical_belief', 'Philosophical belief', 'special'],
  ['user.demographic.citizenship_or_immigration_status', 'Citizenship or immigration status'],
  ['user.demographic.protected_classifications', 'Protected classifications'],
  ['user.location', 'Location'],
  ['user.location.coarse', 'Coarse location (over 500 m)'],
  ['user.location.precise', 'Precise location (under 500 m)'],
  ['user.device', 'Device and online identifiers'],
  ['user.device.cookie', 'Cookie'],
  ['user.device.cookie_id', 'Cookie identifier'],
  ['user.device.device_id', 'Device identifier'],
  ['user.device.ip_address', 'IP address'],
  ['user.device.sensor', 'Sensor data'],
  ['user.device.telemetry', 'Telemetry'],
  ['user.payment', 'Payment data'],
  ['user.settings', 'Settings'],
  ['user.social_activity', 'Social activity'],
  ['user.unique_id', 'Unique identifiers'],
  ['user.unique_id.deterministic', 'Deterministic identifier'],
  ['user.unique_id.probablistic', 'Probabilistic identifier'],
  ['user.financial', 'Financial data'],
  ['user.financial.bank_account', 'Bank account'],
  ['user.financial.credit_card', 'Credit card'],
  ['user.government_id', 'Government identifiers'],
  ['user.government_id.national_identification_number', 'National identification number'],
  ['user.government_id.passport_number', 'Passport number'],
  ['user.government_id.drivers_license_number', "Driver's licence number"],
  ['user.government_id.birth_certificate', 'Birth certificate'],
  ['user.government_id.immigration', 'Immigration document'],
  ['user.government_id.vehicle_registration', 'Vehicle registration'],
  ['user.health', 'Health', 'special'],
  ['user.health.genetic', 'Genetic data', 'special'],
  ['user.health.condition', 'Health condition', 'special'],
  ['user.health.medical_diagnosis', 'Medical diagnosis', 'special'],
  ['user.health.medications', 'Medications', 'special'],
  ['user.health.prescriptions', 'Prescriptions', 'special'],
  ['user.health.reproductive_or_sexual', 'Reproductive or sexual health', 'special'],
  ['user.health.social_psychological_behavioral', 'Social, psychological or behavioural health', 'special'],
  ['user.health.symptons', 'Symptoms', 'special'],
  ['user.health.treatment', 'Treatment', 'special'],
  ['user.health.record_id', 'Health record identifier', 'special'],
  ['user.health.insurance_beneficiary_id', 'Health insurance beneficiary identifier', 'special'],
  ['user.health.baby_formula', 'Baby formula purchases (inferred health)', 'special'],
  ['user.health.maternity_clothing', 'Maternity clothing purchases (inferred health)', 'special'],
  ['user.name', 'Name'],
  ['user.name.first', 'First name'],
  ['user.name.last', 'Last name'],
  ['user.criminal_history', 'Criminal convictions and offences', 'criminal'],
  ['user.privacy_preferences', 'Privacy preferences and consent records'],
  ['user.professional_information', 'Professional information'],
  ['user.professional_information.job_title', 'Job title'],
  ['user.professional_information.workplace', 'Workplace'],
  // Deprecated in fideslang 3.2.0, kept so that older grants and imports resolve.
  ['user.health_and_medical', 'Health (deprecated)', { replacedBy: 'user.health' }],
  ['user.biometric', 'Biometrics (deprecated)', { replacedBy: 'user.biometrics' }],
  ['user.childrens', 'Children (deprecated)', { replacedBy: 'user.children' }],
  ['user.social', 'Social (deprecated)', { replacedBy: 'user.social_activity' }],
  ['user.job_title', 'Job title (deprecated)', { replacedBy: 'user.professional_information.job_title' }],
  ['user.workplace', 'Workplace (deprecated)', { replacedBy: 'user.professional_information.workplace' }],
  ['user.contact.url', 'Contact URL (deprecated)', { replacedBy: 'user.contact.social_url' }],
  ['user.location.imprecise', 'Imprecise location (deprecated)', { replacedBy: 'user.location.coarse' }],
  ['user.telemetry', 'Telemetry (deprecated)', { replacedBy: 'user.device.telemetry' }],
  ['user.sensor', 'Sensor (deprecated)', { replacedBy: 'user.device.sensor' }],
  ['user.user_sensor', 'User sensor (deprecated)', { replacedBy: 'user.device.sensor' }],
  ['user.account.settings', 'Account settings (deprecated)', { replacedBy: 'user.settings' }],
];

/** The default taxonomy, parents before children. */
export const defaultTaxonomy: readonly TaxonomyCategory[] = Object.freeze(
  rows.map(([key, name, flags]) => {
    const base = { key, name, special: flags === 'special', criminal: flags === 'criminal' };
    return Object.freeze(typeof flags === 'object' ? { ...base, replacedBy: flags.replacedBy } : base);
  }),
);

const byKey: ReadonlyMap<string, TaxonomyCategory> = new Map(defaultTaxonomy.map((c) => [c.key, c]));

/**
 * A key of the default taxonomy, or `undefined`.
 *
 * @example
 * findDefaultCategory('user.health.genetic')?.special; // true
 */
export function findDefaultCategory(key: string): TaxonomyCategory | undefined {
  return byKey.get(key);
}

/**
 * The current key for a possibly deprecated one (also rewrites a deprecated prefix): `user.job_title` →
 * `user.professional_information.job_title`. Unknown keys come back unchanged.
 *
 * @example
 * canonicalCategoryKey('user.workplace'); // 'user.professional_information.workplace'
 */
export function canonicalCategoryKey(key: string): string {
  const known = canonicalCache.get(key);
  if (known !== undefined) return known;
  const canonical = computeCanonical(key);
  // The gate asks for the same few keys on every check; keep the answers (bounded: keys come from clients too).
  if (canonicalCache.size >= 10_000) canonicalCache.clear();
  canonicalCache.set(key, canonical);
  return canonical;
}

const canonicalCache = new Map<string, string>();

function computeCanonical(key: string): string {
  const parts = key.split('.');
  for (let n = parts.length; n > 0; n--) {
    const prefix = parts.slice(0, n).join('.');
    const replacedBy = byKey.get(prefix)?.replacedBy;
    if (replacedBy) return [replacedBy, ...parts.slice(n)].join('.');
  }
  return key;
}

/** The parent key (`user.contact.email` → `user.contact`), or null at the top. */
export function parentCategoryKey(key: string): string | null {
  const at = key.lastIndexOf('.');
  return at < 0 ? null : key.slice(0, at);
}
