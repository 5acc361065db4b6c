import type { PurposeFields } from './validate-purpose.ts';

/** Key of the built-in purpose under which data subject requests are answered (ADR 0034). */
export const requestPurposeKey = 'data_subject_requests';

/**
 * The built-in purpose every workspace has (seeded with new workspaces, added to older ones by migration 0170):
 * answering a person's own request under Arts. 12-22. Legal obligation (Art. 6(1)(c)); every category of data about
 * a person, since an access export covers all of it; kept as long as the request log (`P3Y`, the inbox's purge
 * period). It is flagged `answersRequests`: the gate lets it reach restricted or objecting people, but only for the
 * person whose request is being answered, only to read, export, write (rectify, erase) or store, and only for roles
 * that handle requests.
 */
export const requestPurposeFields: PurposeFields = {
  name: 'Data subject requests',
  description:
    'Answering the requests people make about their own data (access, portability, rectification, erasure, ' +
    'restriction, objection, consent withdrawal), as Arts. 12-22 GDPR require, including for people whose ' +
    'processing is restricted (Art. 18) or who objected (Art. 21): only to answer their own request.',
  lawfulBasis: 'legal_obligation',
  // Answering an access request discloses special-category data to the person it is about, as Art. 15 requires.
  art9Condition: 'substantial_public_interest',
  legitimateInterestAssessment: null,
  requiredCategories: ['user'],
  optionalCategories: [],
  retention: 'P3Y',
  recipients: [],
  active: true,
  directMarketing: false,
  legalClaims: false,
};
