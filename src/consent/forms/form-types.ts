/** Person fields a form may ask for (declared `person` attributes the people service takes). */
export const formFieldNames = ['email', 'firstName', 'lastName', 'phone'] as const;
export type FormFieldName = (typeof formFieldNames)[number];

/** One consent checkbox: unticked by default, its label and a link to the published notice, pinned at this version. */
export interface FormPurpose {
  readonly key: string;
  readonly label: string;
  readonly noticeVersionId: string;
  readonly noticeTitle: string;
  readonly noticeUrl: string;
  /** SHA-256 hex of the exact text shown beside the checkbox (`checkboxText`). */
  readonly textDigest: string;
}

export interface FormField {
  readonly name: FormFieldName;
  readonly label: string;
  readonly required: boolean;
}

/** The content of one immutable form version. Business data only: no personal data. */
export interface FormDefinition {
  readonly title: string;
  readonly introduction: string;
  /** BCP 47 language of the texts and notices. */
  readonly language: string;
  readonly purposes: readonly FormPurpose[];
  readonly fields: readonly FormField[];
  /** Origins (`https://www.example.com`) whose pages may embed the widget and post to the form. */
  readonly allowedOrigins: readonly string[];
  /** Consent is `requested` until the person confirms by email (on by default). */
  readonly doubleOptIn: boolean;
  readonly successMessage: string;
  readonly submitLabel: string;
  /** Flood limit of the form as a whole (every visitor together). */
  readonly maxSubmissionsPerMinute: number;
}

/** What the console sends to create a form or a new version of it. */
export interface FormInput {
  readonly name: string;
  readonly title: string;
  readonly introduction?: string | undefined;
  readonly language: string;
  readonly purposes: readonly { readonly key: string; readonly label: string }[];
  readonly fields: readonly { readonly name: FormFieldName; readonly label?: string | undefined; readonly required?: boolean | undefined }[];
  readonly allowedOrigins?: readonly string[] | undefined;
  readonly doubleOptIn?: boolean | undefined;
  readonly successMessage?: string | undefined;
  readonly submitLabel?: string | undefined;
  readonly maxSubmissionsPerMinute?: number | undefined;
}

/** A form as the console lists it. */
export interface FormView {
  readonly id: string;
  readonly name: string;
  readonly version: number;
  readonly submissions: number;
  readonly definition: FormDefinition;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/**
 * The exact text shown beside a purpose's checkbox (label, then the notice link's text), whose digest is the evidence.
 *
 * @example
 * checkboxText({ label: 'Send me the newsletter', noticeTitle: 'Newsletter notice' }); // 'Send me the newsletter (Newsletter notice)'
 */
export function checkboxText(purpose: Pick<FormPurpose, 'label' | 'noticeTitle'>): string {
  return `${purpose.label} (${purpose.noticeTitle})`;
}
