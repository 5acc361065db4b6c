/** The person fields a column can fill (the server's import fields). */
export const importFieldLabels = {
  firstName: 'First name',
  lastName: 'Last name',
  email: 'Email',
  phone: 'Phone',
  jobTitle: 'Job title',
  notes: 'Notes',
  lifecycleStage: 'Lifecycle stage',
  tags: 'Tags (separated by ;)',
  street: 'Street',
  city: 'City',
  postalCode: 'Postal code',
  region: 'Region',
  country: 'Country (ISO code)',
} as const;
export type ImportField = keyof typeof importFieldLabels;

/** Header spellings suggested as a field (the server recognises the same and more). */
const suggestions: Record<string, ImportField> = {
  firstname: 'firstName',
  first: 'firstName',
  givenname: 'firstName',
  prenom: 'firstName',
  lastname: 'lastName',
  last: 'lastName',
  surname: 'lastName',
  nom: 'lastName',
  email: 'email',
  emailaddress: 'email',
  mail: 'email',
  courriel: 'email',
  phone: 'phone',
  phonenumber: 'phone',
  telephone: 'phone',
  mobile: 'phone',
  jobtitle: 'jobTitle',
  title: 'jobTitle',
  notes: 'notes',
  stage: 'lifecycleStage',
  lifecyclestage: 'lifecycleStage',
  tags: 'tags',
  street: 'street',
  address: 'street',
  city: 'city',
  town: 'city',
  postalcode: 'postalCode',
  postcode: 'postalCode',
  zip: 'postalCode',
  region: 'region',
  state: 'region',
  country: 'country',
};

/**
 * The suggested field of a header, compared without accents, case or punctuation.
 *
 * @example
 * suggestField('E-mail'); // 'email'
 */
export function suggestField(header: string): ImportField | null {
  const key = header.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]/g, '');
  return suggestions[key] ?? null;
}

/**
 * The column headers of a CSV file, read from its first line only (the rest of the file stays unread in the browser).
 * Quoted headers with commas and doubled quotes are handled.
 *
 * @example
 * await readCsvHeader(file); // ['Prénom', 'E-mail']
 */
export async function readCsvHeader(file: Blob): Promise<string[]> {
  const text = await file.slice(0, 64 * 1024).text();
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') break;
    else cell += c;
  }
  cells.push(cell);
  return cells.map((h) => h.replace(/^\uFEFF/, '').trim());
}
