import type { RequestBody, Success } from '../../api/api-types.ts';

/** A consent form (current version) as `GET /consent-forms` lists it. */
export type ConsentForm = Success<'/api/v1/consent-forms', 'get'>['items'][number];
export type ConsentFormInput = RequestBody<'/api/v1/consent-forms', 'post'>;
export type MailSettings = NonNullable<Success<'/api/v1/settings/mail', 'get'>['settings']>;
export type MailSettingsInput = RequestBody<'/api/v1/settings/mail', 'put'>;

/** Cache keys; invalidated after any change. */
export const formsQueryKey = ['consent-forms'] as const;
export const mailSettingsQueryKey = ['settings', 'mail'] as const;

/** Person fields a form may ask for, with their labels. */
export const formFieldOptions = [
  { value: 'email', label: 'Email address (always asked: it receives the confirmation)' },
  { value: 'firstName', label: 'First name' },
  { value: 'lastName', label: 'Last name' },
  { value: 'phone', label: 'Phone number' },
] as const;

/** The `If-Match` header of a version read earlier. */
export function ifMatch(version: number): { 'if-match': string } {
  return { 'if-match': `"${version}"` };
}
