import type { OrganisationSettings } from '../../governance/organisation/organisation-types.ts';
import type { Incident } from './incident-types.ts';

/** A notification text ready to be reviewed and sent (nothing is sent by Custodian). */
export interface NotificationDraft {
  readonly kind: 'authority' | 'people';
  readonly incidentId: string;
  readonly reference: string;
  readonly generatedAt: string;
  readonly subject: string;
  /** Headed sections in order; `text` is the same content as plain text. */
  readonly sections: readonly { readonly heading: string; readonly body: string }[];
  readonly text: string;
}

/** The contact point of Art. 33(3)(b): the DPO when designated, else the controller's contact. */
function contactPoint(org: OrganisationSettings): string | null {
  const dpo = org.dpo;
  if (dpo && dpo.name.trim() && (dpo.email.trim() || dpo.phone.trim())) {
    return [
      `Data protection officer: ${dpo.name}`,
      dpo.email && `email ${dpo.email}`,
      dpo.phone && `phone ${dpo.phone}`,
    ]
      .filter(Boolean)
      .join(', ');
  }
  const c = org.controller;
  if (c.name.trim() && (c.email.trim() || c.phone.trim())) {
    return [`Contact point: ${c.name}`, c.email && `email ${c.email}`, c.phone && `phone ${c.phone}`]
      .filter(Boolean)
      .join(', ');
  }
  return null;
}

/** The Art. 33(3) items still missing from an incident, as field names (empty: the draft can be produced). */
export function missingForAuthority(
  incident: Omit<Incident, 'missing'>,
  org: OrganisationSettings,
): string[] {
  const missing: string[] = [];
  if (incident.nature.length === 0) missing.push('nature');
  if (!incident.description.trim()) missing.push('description');
  if (incident.effective.categories.length === 0) missing.push('categories');
  if (incident.effective.people === null) missing.push('approximatePeople');
  if (incident.effective.records === null) missing.push('approximateRecords');
  if (contactPoint(org) === null) missing.push('dpoContact');
  if (!incident.consequences.trim()) missing.push('consequences');
  if (!incident.measuresTaken.trim() && !incident.measuresProposed.trim()) missing.push('measures');
  if (incident.clock.lateReasonRequired && !incident.lateReason.trim()) missing.push('lateReason');
  return missing;
}

/** The Art. 34(2) items (33(3)(b)-(d) in plain language) still missing. */
export function missingForPeople(incident: Omit<Incident, 'missing'>, org: OrganisationSettings): string[] {
  const missing: string[] = [];
  if (!incident.description.trim()) missing.push('description');
  if (contactPoint(org) === null) missing.push('dpoContact');
  if (!incident.consequences.trim()) missing.push('consequences');
  if (!incident.measuresTaken.trim() && !incident.measuresProposed.trim()) missing.push('measures');
  return missing;
}

const when = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

function assemble(
  kind: NotificationDraft['kind'],
  incident: Incident,
  subject: string,
  sections: NotificationDraft['sections'],
  now: string,
): NotificationDraft {
  const text = [subject, '', ...sections.flatMap((s) => [s.heading, s.body, ''])].join('\n').trimEnd() + '\n';
  return {
    kind,
    incidentId: incident.id,
    reference: incident.reference,
    generatedAt: now,
    subject,
    sections,
    text,
  };
}

/**
 * The notification to the supervisory authority with every Art. 33(3) item: (a) nature, categories and approximate
 * numbers of people and records, (b) the DPO or other contact point, (c) likely consequences, (d) measures taken and
 * proposed; and the Art. 33(1) reasons when it comes later than 72 hours. Call only when `missingForAuthority` is empty.
 *
 * @example
 * const draft = authorityDraft(incident, organisation, clock.now().toISOString());
 */
export function authorityDraft(
  incident: Incident,
  org: OrganisationSettings,
  now: string,
): NotificationDraft {
  const e = incident.effective;
  const window = incident.occurredTo
    ? `between ${when(incident.occurredFrom)} and ${when(incident.occurredTo)}`
    : `from ${when(incident.occurredFrom)}`;
  const sections = [
    {
      heading: 'Controller',
      body:
        [org.controller.name, org.controller.address].filter((s) => s.trim()).join('\n') || '(not recorded)',
    },
    {
      heading: 'Nature of the personal data breach (Art. 33(3)(a))',
      body: [
        `Breach of ${incident.nature.join(', ')}. ${incident.description.trim()}`,
        `It occurred ${window}; we became aware of it at ${when(incident.awareAt)}.`,
        `Categories of personal data: ${e.categories.join(', ')}.` +
          (e.specialCategories.length
            ? ` Special categories (Art. 9): ${e.specialCategories.join(', ')}.`
            : ''),
        `Approximate number of data subjects concerned: ${(e.people ?? 0).toLocaleString('en')}.`,
        `Approximate number of personal data records concerned: ${(e.records ?? 0).toLocaleString('en')}.`,
        e.source === 'override' && incident.scopeOverride
          ? `These numbers were set by staff: ${incident.scopeOverride.reason}`
          : 'These numbers were computed from the audit log of the accounts involved.',
      ].join('\n'),
    },
    { heading: 'Contact point (Art. 33(3)(b))', body: contactPoint(org) ?? '' },
    { heading: 'Likely consequences (Art. 33(3)(c))', body: incident.consequences.trim() },
    {
      heading: 'Measures taken or proposed (Art. 33(3)(d))',
      body: [
        incident.measuresTaken.trim() && `Taken: ${incident.measuresTaken.trim()}`,
        incident.measuresProposed.trim() && `Proposed: ${incident.measuresProposed.trim()}`,
      ]
        .filter(Boolean)
        .join('\n'),
    },
    { heading: 'Risk assessment', body: incident.assessment.reasons.join('\n') },
    ...(incident.clock.lateReasonRequired
      ? [{ heading: 'Reasons for the delay (Art. 33(1))', body: incident.lateReason.trim() }]
      : []),
  ];
  return assemble(
    'authority',
    incident,
    `Notification of a personal data breach (${incident.reference}) under Article 33 GDPR`,
    sections,
    now,
  );
}

/**
 * The letter to the people concerned in plain language (Art. 34(2)): what happened, what it may mean for them, what
 * we did, what they can do, whom to contact. Call only when `missingForPeople` is empty.
 *
 * @example
 * const letter = peopleDraft(incident, organisation, now);
 */
export function peopleDraft(incident: Incident, org: OrganisationSettings, now: string): NotificationDraft {
  const who = org.controller.name.trim() || 'We';
  const e = incident.effective;
  const sections = [
    {
      heading: 'What happened',
      body:
        `${who === 'We' ? 'We' : `${who} is writing to tell you that we`} found a problem affecting your personal information. ${incident.description.trim()}` +
        (e.categories.length
          ? `\nThe information concerned: ${e.categories.map((c) => c.split('.').slice(1).join(' ').replace(/_/g, ' ')).join(', ')}.`
          : ''),
    },
    { heading: 'What this may mean for you', body: incident.consequences.trim() },
    {
      heading: 'What we have done',
      body: [
        incident.measuresTaken.trim(),
        incident.measuresProposed.trim() && `We will also: ${incident.measuresProposed.trim()}`,
      ]
        .filter(Boolean)
        .join('\n'),
    },
    ...(incident.adviceToPeople.trim()
      ? [{ heading: 'What you can do', body: incident.adviceToPeople.trim() }]
      : []),
    { heading: 'Who to contact', body: `${contactPoint(org) ?? ''}. Please quote ${incident.reference}.` },
  ];
  return assemble(
    'people',
    incident,
    `Important: a problem with your personal information (${incident.reference})`,
    sections,
    now,
  );
}
