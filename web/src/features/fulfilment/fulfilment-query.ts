import type { RequestBody, Success } from '../../api/api-types.ts';

export type ExportResult = Success<'/api/v1/requests/{id}/fulfilment/export', 'post'>;
export type RectificationPreview = Success<'/api/v1/requests/{id}/fulfilment/rectification', 'get'>;
export type RectificationDecision = RequestBody<
  '/api/v1/requests/{id}/fulfilment/rectification',
  'post'
>['decisions'][number];
export type ErasurePreview = Success<'/api/v1/requests/{id}/fulfilment/erasure', 'get'>;
export type ErasureResult = Success<'/api/v1/requests/{id}/fulfilment/erasure', 'post'>;
export type RestrictionReason = RequestBody<'/api/v1/requests/{id}/fulfilment/restriction', 'post'>['reason'];
export type RequestObjection = Success<
  '/api/v1/requests/{id}/fulfilment/objection',
  'get'
>['objections'][number];

/** What the panel needs of the request (the request detail page passes its loaded request). */
export type FulfilmentRequest = Pick<
  Success<'/api/v1/requests/{id}', 'get'>,
  'id' | 'type' | 'status' | 'personId' | 'refusalReason' | 'version'
>;

/** The panel's props: the request, and a callback that reloads it (and its timeline) after a change. */
export interface FulfilmentPanelProps {
  readonly request: FulfilmentRequest;
  readonly onChanged: () => void;
}

/** Cache key of a request's fulfilment reads (previews, review, objections). */
export const fulfilmentKey = (requestId: string) => ['requests', 'fulfilment', requestId] as const;

/** The `If-Match` header of a request version read earlier. */
export function ifMatch(version: number): { 'if-match': string } {
  return { 'if-match': `"${version}"` };
}

export const restrictionReasonLabels: Record<RestrictionReason, string> = {
  accuracy_contested: 'Accuracy contested (Art. 18(1)(a))',
  unlawful_processing: 'Unlawful processing, restriction instead of erasure (Art. 18(1)(b))',
  legal_claims: 'Needed by the person for legal claims (Art. 18(1)(c))',
  objection_pending: 'Objection being weighed (Art. 18(1)(d))',
};
