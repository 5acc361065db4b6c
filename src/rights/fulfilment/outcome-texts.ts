import type { ErasureException, KeptHolding } from '../../kernel/erasure/erasure-exceptions.ts';
import type { RestrictionReason } from '../../kernel/standing/standing-types.ts';
import { portalLanguage, type PortalLanguage } from '../portal/portal-texts.ts';

/** Fields a person may ask to rectify, by the name the outcome gives them. */
export type OutcomeField = 'firstName' | 'lastName' | 'email' | 'phone' | 'jobTitle';

/**
 * The sentences a person reads about the outcome of their request (portal and emails), per language. Values that
 * come from staff or the register (reasons, assessments, purpose names, recipients) are quoted as written.
 */
export interface OutcomeTexts {
  readonly noRecipients: string;
  readonly recipients: (names: string) => string;
  readonly erased: (day: string, certificate: string) => string;
  readonly kept: (k: { count: number; category: string; purpose: string; until: string; exception: string }) => string;
  readonly exceptions: Readonly<Record<ErasureException, string>>;
  readonly erasureRefusedLegalHold: string;
  readonly objectionUpheldMarketing: (purpose: string) => string;
  readonly objectionUpheld: (purpose: string) => string;
  readonly objectionRejected: (purpose: string, assessment: string) => string;
  readonly fields: Readonly<Record<OutcomeField, string>>;
  readonly corrected: (field: string) => string;
  readonly notChanged: (field: string, reason: string) => string;
  readonly restrictionReasons: Readonly<Record<RestrictionReason, string>>;
  readonly restricted: (reason: string) => string;
  readonly liftNotice: (day: string, reason: string) => string;
  readonly nothingToWithdraw: string;
  readonly consentWithdrawn: (purpose: string) => string;
}

const en: OutcomeTexts = {
  noRecipients: 'We share your data with no recipients who would need to be told of this (Art. 19).',
  recipients: (names) => `We tell the recipients of your data of this (Art. 19): ${names}.`,
  erased: (day, certificate) => `We erased your personal data on ${day} (certificate ${certificate}).`,
  kept: (k) =>
    `We keep ${k.count} record(s) of category ${k.category} held for ${k.purpose} until ${k.until}: ${k.exception}.`,
  exceptions: {
    legal_obligation: 'Art. 17(3)(b): compliance with a legal obligation',
    public_task: 'Art. 17(3)(b): a task in the public interest or official authority',
    public_health: 'Art. 17(3)(c): public health',
    archiving: 'Art. 17(3)(d): archiving, research or statistics',
    legal_claims: 'Art. 17(3)(e): legal claims',
  },
  erasureRefusedLegalHold:
    'Art. 17(3)(e): your data is needed for the establishment, exercise or defence of legal claims (a legal hold applies); it is kept and its processing limited to that.',
  objectionUpheldMarketing: (p) =>
    `We stopped using your data for direct marketing (${p}) at once, as you objected (Art. 21(3)); your address is on our suppression list.`,
  objectionUpheld: (p) => `We stopped processing your data for ${p}, as you objected (Art. 21(1)).`,
  objectionRejected: (p, a) =>
    `We continue processing your data for ${p}: we have compelling legitimate grounds which override your interests, rights and freedoms (Art. 21(1)). ${a}`,
  fields: {
    firstName: 'first name',
    lastName: 'last name',
    email: 'email address',
    phone: 'phone number',
    jobTitle: 'job title',
  },
  corrected: (f) => `We corrected your ${f}.`,
  notChanged: (f, r) => `We did not change your ${f}: ${r}`,
  restrictionReasons: {
    accuracy_contested: 'while we verify the accuracy of your data (Art. 18(1)(a))',
    unlawful_processing: 'instead of erasing it, as you asked (Art. 18(1)(b))',
    legal_claims: 'because you need the data for legal claims (Art. 18(1)(c))',
    objection_pending: 'while we weigh your objection (Art. 18(1)(d))',
  },
  restricted: (r) =>
    `We restricted the processing of your data ${r}: we only store it, or use it for legal claims, until we tell you before lifting the restriction.`,
  liftNotice: (day, r) => `We told you on ${day} that we will lift the restriction: ${r}`,
  nothingToWithdraw:
    'You had given us no consent that is still in force for the purposes concerned: there was nothing to withdraw.',
  consentWithdrawn: (p) =>
    `We recorded the withdrawal of your consent to ${p}; we no longer process your data for it.`,
};

const fr: OutcomeTexts = {
  noRecipients:
    'Nous ne communiquons vos données à aucun destinataire qu’il faudrait en informer (art. 19).',
  recipients: (names) => `Nous en informons les destinataires de vos données (art. 19) : ${names}.`,
  erased: (day, certificate) =>
    `Nous avons effacé vos données personnelles le ${day} (certificat ${certificate}).`,
  kept: (k) =>
    `Nous conservons ${k.count} enregistrement(s) de la catégorie ${k.category}, détenu(s) pour ${k.purpose}, jusqu’au ${k.until} : ${k.exception}.`,
  exceptions: {
    legal_obligation: 'art. 17(3)(b) : respect d’une obligation légale',
    public_task: 'art. 17(3)(b) : mission d’intérêt public ou relevant de l’autorité publique',
    public_health: 'art. 17(3)(c) : santé publique',
    archiving: 'art. 17(3)(d) : archivage, recherche ou statistiques',
    legal_claims: 'art. 17(3)(e) : droits en justice',
  },
  erasureRefusedLegalHold:
    'Art. 17(3)(e) : vos données sont nécessaires à la constatation, à l’exercice ou à la défense de droits en justice (une conservation légale s’applique) ; elles sont conservées et leur traitement est limité à cette fin.',
  objectionUpheldMarketing: (p) =>
    `Nous avons cessé immédiatement d’utiliser vos données à des fins de prospection (${p}), comme vous vous y êtes opposé(e) (art. 21(3)) ; votre adresse figure sur notre liste d’exclusion.`,
  objectionUpheld: (p) =>
    `Nous avons cessé de traiter vos données pour ${p}, comme vous vous y êtes opposé(e) (art. 21(1)).`,
  objectionRejected: (p, a) =>
    `Nous continuons à traiter vos données pour ${p} : nous avons des motifs légitimes et impérieux qui prévalent sur vos intérêts, droits et libertés (art. 21(1)). ${a}`,
  fields: {
    firstName: 'prénom',
    lastName: 'nom',
    email: 'adresse e-mail',
    phone: 'numéro de téléphone',
    jobTitle: 'fonction',
  },
  corrected: (f) => `Nous avons corrigé votre ${f}.`,
  notChanged: (f, r) => `Nous n’avons pas modifié votre ${f} : ${r}`,
  restrictionReasons: {
    accuracy_contested: 'le temps de vérifier l’exactitude de vos données (art. 18(1)(a))',
    unlawful_processing: 'au lieu de les effacer, comme vous l’avez demandé (art. 18(1)(b))',
    legal_claims: 'car vous en avez besoin pour des droits en justice (art. 18(1)(c))',
    objection_pending: 'le temps d’examiner votre opposition (art. 18(1)(d))',
  },
  restricted: (r) =>
    `Nous avons limité le traitement de vos données ${r} : nous ne faisons que les conserver, ou les utiliser pour des droits en justice, et nous vous préviendrons avant de lever la limitation.`,
  liftNotice: (day, r) => `Nous vous avons informé(e) le ${day} que nous lèverons la limitation : ${r}`,
  nothingToWithdraw:
    'Vous ne nous aviez donné aucun consentement encore en vigueur pour les finalités concernées : il n’y avait rien à retirer.',
  consentWithdrawn: (p) =>
    `Nous avons enregistré le retrait de votre consentement pour ${p} ; nous ne traitons plus vos données à cette fin.`,
};

const de: OutcomeTexts = {
  noRecipients:
    'Wir geben Ihre Daten an keine Empfänger weiter, die darüber zu unterrichten wären (Art. 19).',
  recipients: (names) => `Wir unterrichten die Empfänger Ihrer Daten darüber (Art. 19): ${names}.`,
  erased: (day, certificate) =>
    `Wir haben Ihre personenbezogenen Daten am ${day} gelöscht (Bescheinigung ${certificate}).`,
  kept: (k) =>
    `Wir bewahren ${k.count} Datensatz/Datensätze der Kategorie ${k.category}, gespeichert für ${k.purpose}, bis zum ${k.until} auf: ${k.exception}.`,
  exceptions: {
    legal_obligation: 'Art. 17 Abs. 3 lit. b: Erfüllung einer rechtlichen Verpflichtung',
    public_task: 'Art. 17 Abs. 3 lit. b: Aufgabe im öffentlichen Interesse oder in Ausübung öffentlicher Gewalt',
    public_health: 'Art. 17 Abs. 3 lit. c: öffentliche Gesundheit',
    archiving: 'Art. 17 Abs. 3 lit. d: Archiv-, Forschungs- oder statistische Zwecke',
    legal_claims: 'Art. 17 Abs. 3 lit. e: Rechtsansprüche',
  },
  erasureRefusedLegalHold:
    'Art. 17 Abs. 3 lit. e: Ihre Daten werden zur Geltendmachung, Ausübung oder Verteidigung von Rechtsansprüchen benötigt (eine Aufbewahrungssperre gilt); sie werden aufbewahrt und ihre Verarbeitung darauf beschränkt.',
  objectionUpheldMarketing: (p) =>
    `Wir haben die Nutzung Ihrer Daten für Direktwerbung (${p}) nach Ihrem Widerspruch sofort eingestellt (Art. 21 Abs. 3); Ihre Adresse steht auf unserer Sperrliste.`,
  objectionUpheld: (p) =>
    `Wir haben die Verarbeitung Ihrer Daten für ${p} nach Ihrem Widerspruch eingestellt (Art. 21 Abs. 1).`,
  objectionRejected: (p, a) =>
    `Wir verarbeiten Ihre Daten für ${p} weiter: Wir haben zwingende schutzwürdige Gründe, die Ihre Interessen, Rechte und Freiheiten überwiegen (Art. 21 Abs. 1). ${a}`,
  fields: {
    firstName: 'Vorname',
    lastName: 'Nachname',
    email: 'E-Mail-Adresse',
    phone: 'Telefonnummer',
    jobTitle: 'Berufsbezeichnung',
  },
  corrected: (f) => `Wir haben Ihre Angabe „${f}“ berichtigt.`,
  notChanged: (f, r) => `Wir haben Ihre Angabe „${f}“ nicht geändert: ${r}`,
  restrictionReasons: {
    accuracy_contested: 'solange wir die Richtigkeit Ihrer Daten prüfen (Art. 18 Abs. 1 lit. a)',
    unlawful_processing: 'statt sie zu löschen, wie Sie es verlangt haben (Art. 18 Abs. 1 lit. b)',
    legal_claims: 'weil Sie die Daten für Rechtsansprüche benötigen (Art. 18 Abs. 1 lit. c)',
    objection_pending: 'solange wir Ihren Widerspruch prüfen (Art. 18 Abs. 1 lit. d)',
  },
  restricted: (r) =>
    `Wir haben die Verarbeitung Ihrer Daten eingeschränkt, ${r}: Wir speichern sie nur oder nutzen sie für Rechtsansprüche, und wir unterrichten Sie, bevor wir die Einschränkung aufheben.`,
  liftNotice: (day, r) => `Wir haben Ihnen am ${day} mitgeteilt, dass wir die Einschränkung aufheben: ${r}`,
  nothingToWithdraw:
    'Sie hatten uns für die betreffenden Zwecke keine noch gültige Einwilligung erteilt: Es gab nichts zu widerrufen.',
  consentWithdrawn: (p) =>
    `Wir haben den Widerruf Ihrer Einwilligung für ${p} erfasst; wir verarbeiten Ihre Daten dafür nicht mehr.`,
};

const outcomeTexts: Readonly<Record<PortalLanguage, OutcomeTexts>> = { en, fr, de };

/**
 * The outcome sentences in the request's language (`fr-CA` → French; languages without texts → English), like the
 * portal's (`src/rights/portal/portal-texts.ts`).
 *
 * @example
 * outcomeTextsFor(view.language).corrected(outcomeTextsFor(view.language).fields.lastName); // 'Nous avons corrigé votre nom.'
 */
export function outcomeTextsFor(language: string | null | undefined): OutcomeTexts {
  return outcomeTexts[portalLanguage(language)];
}

/** The sentence about the recipients told (Art. 19, second sentence: on request, who they are). */
export function recipientsSentenceIn(t: OutcomeTexts, recipients: readonly string[]): string {
  return recipients.length === 0 ? t.noRecipients : t.recipients(recipients.join(', '));
}

/** The sentence about data kept despite the erasure (Art. 17(3)), without personal data. */
export function keptSentenceIn(t: OutcomeTexts, k: KeptHolding): string {
  return t.kept({
    count: k.count,
    category: k.category,
    purpose: k.purpose,
    until: k.until.slice(0, 10),
    exception: t.exceptions[k.exception],
  });
}
