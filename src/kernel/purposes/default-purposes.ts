import type { PurposeFields } from './validate-purpose.ts';

/**
 * The purposes a new workspace starts with (private by default: marketing is off). The built-in roles in
 * `src/identity/permissions.ts` refer to these keys.
 */
export const defaultPurposes: Readonly<Record<string, PurposeFields>> = {
  crm: {
    name: 'Customer relationship management',
    description:
      'Keeping track of customers, prospects and business contacts and of our exchanges with them.',
    lawfulBasis: 'legitimate_interests',
    art9Condition: null,
    legitimateInterestAssessment:
      'Purpose: maintaining business relationships with customers and prospects. Necessity: contact and ' +
      'professional data only, no special categories. Balancing: people expect a business they deal with to keep ' +
      'their professional contact details; objection is honoured and data is kept for a short period.',
    requiredCategories: ['user.name'],
    optionalCategories: ['user.contact', 'user.professional_information', 'user.content.private'],
    retention: 'P3Y',
    recipients: [],
    active: true,
    directMarketing: false,
    legalClaims: false,
  },
  sales: {
    name: 'Contract and sales',
    description: 'Preparing and performing contracts at the request of the person (quotes, orders, deals).',
    lawfulBasis: 'contract',
    art9Condition: null,
    legitimateInterestAssessment: null,
    requiredCategories: ['user.name'],
    optionalCategories: ['user.contact', 'user.professional_information', 'user.content.private'],
    retention: 'P3Y',
    recipients: [],
    active: true,
    directMarketing: false,
    legalClaims: false,
  },
  support: {
    name: 'Support',
    description: 'Answering questions and support requests of customers.',
    lawfulBasis: 'contract',
    art9Condition: null,
    legitimateInterestAssessment: null,
    requiredCategories: ['user.name'],
    optionalCategories: ['user.contact', 'user.content.private'],
    retention: 'P2Y',
    recipients: [],
    active: true,
    directMarketing: false,
    legalClaims: false,
  },
  accounting: {
    name: 'Accounting and legal obligations',
    description: 'Invoicing and bookkeeping records the law requires us to keep.',
    lawfulBasis: 'legal_obligation',
    art9Condition: null,
    legitimateInterestAssessment: null,
    requiredCategories: ['user.name'],
    optionalCategories: ['user.contact', 'user.professional_information', 'user.financial', 'user.payment'],
    retention: 'P10Y',
    recipients: ['Accountants and tax authorities'],
    active: true,
    directMarketing: false,
    legalClaims: false,
  },
  email_marketing: {
    name: 'Email marketing',
    description: 'Newsletters and offers by email to people who asked for them.',
    lawfulBasis: 'consent',
    art9Condition: null,
    legitimateInterestAssessment: null,
    requiredCategories: ['user.contact.email'],
    optionalCategories: ['user.name'],
    retention: 'P2Y',
    recipients: [],
    active: false,
    directMarketing: true,
    legalClaims: false,
  },
};
