/** Languages the readable summary is written in; any other falls back to English. */
export const summaryLanguages = ['en', 'fr', 'de'] as const;
export type SummaryLanguage = (typeof summaryLanguages)[number];

/** The summary's fixed phrases in one language. */
export interface SummaryTexts {
  readonly title: { readonly access: string; readonly portability: string };
  readonly intro: { readonly access: string; readonly portability: string };
  readonly generatedAt: string;
  readonly records: string;
  readonly none: string;
  readonly truncated: string;
  readonly files: string;
  readonly flagged: string;
  readonly otherSection: string;
  /** Per section key: heading and a plain explanation. */
  readonly sections: Readonly<Record<string, readonly [string, string]>>;
}

const en: SummaryTexts = {
  title: { access: 'Your personal data: access copy', portability: 'Your personal data: portable copy' },
  intro: {
    access:
      'This is a copy of all the personal data we hold about you, why we use it, who receives it, how long we keep it and where it came from (Article 15 GDPR). Each part below explains in plain words what it contains.',
    portability:
      'This is the personal data you gave us yourself, which we use with your consent or to perform a contract with you, in a machine-readable form you can take to another service (Article 20 GDPR).',
  },
  generatedAt: 'Prepared on',
  records: 'records',
  none: 'We hold nothing of this kind about you.',
  truncated:
    'Only the first records are shown here; the full list is in the JSON and CSV files of this download.',
  files:
    'The same data is in access-export.json (for programs) and in one CSV file per part (for spreadsheets).',
  flagged: 'Some records also concern other people; our staff check them before they are released to you.',
  otherSection: 'Other data we hold about you.',
  sections: {
    person: [
      'Your details',
      'The details we keep on your record: name, email, phone, job title, address and notes.',
    ],
    contact_points: [
      'Email addresses and phone numbers',
      'Every email address and phone number we hold for you, and which one we use first.',
    ],
    tags: ['Tags', 'Short labels our staff put on your record to sort contacts.'],
    field_provenance: [
      'Where each detail came from',
      'For details obtained in a different way from the rest of your record: how and when we obtained them.',
    ],
    rectifications: [
      'Corrections',
      'Each time your details were changed: when, which details, their previous values and the reason given.',
    ],
    sources: ['Where your data came from', 'How and when we first obtained your data.'],
    imports: ['Imports', 'File imports your data arrived through.'],
    custom_fields: ['Additional details', 'Other details our organisation records about contacts.'],
    activities: ['Activities', 'Calls, meetings, emails and notes about you, with their content.'],
    tasks: ['Tasks', 'Things our staff planned to do concerning you.'],
    deals: ['Deals', 'Business deals you are involved in.'],
    organizations: [
      'Organisations',
      'The organisations linked to you (your employer or the party to a deal).',
    ],
    consents: [
      'Your consents',
      'Every consent you gave or withdrew, for which purpose, when and how, with the evidence we kept.',
    ],
    receipts: [
      'Consent receipts',
      'A signed receipt for each consent event, which anyone can verify with our public key.',
    ],
    consent_confirmations: [
      'Confirmation emails',
      'Emails we sent you to confirm a sign-up, and whether you confirmed.',
    ],
    standing: [
      'Objections and restrictions',
      'Objections you made to our use of your data, and restrictions of processing, with their status.',
    ],
    legal_holds: [
      'Legal holds',
      'Legal reasons (for example a court case) for which we must keep your data for now.',
    ],
    erasure_runs: ['Erasure attempts', 'Attempts to erase your data, and what had to be kept and why.'],
    processing_log: [
      'What we did with your data',
      'Our log of every time your data was read, changed, exported or refused, with the purpose.',
    ],
    purposes: [
      'Why we use your data',
      'Each purpose, its legal basis (Article 6) and, for sensitive data, the condition of Article 9.',
    ],
    recipients: [
      'Who receives your data',
      'Recipients and the service providers (processors) who handle data for us, and in which countries.',
    ],
    retention: [
      'How long we keep it',
      'For each kind of data: its category, whether it is sensitive, where it comes from and how long we keep it.',
    ],
  },
};

const fr: SummaryTexts = {
  title: {
    access: 'Vos données personnelles : copie d’accès',
    portability: 'Vos données personnelles : copie portable',
  },
  intro: {
    access:
      'Voici une copie de toutes les données personnelles que nous détenons sur vous, pourquoi nous les utilisons, qui les reçoit, combien de temps nous les gardons et d’où elles viennent (article 15 du RGPD). Chaque partie ci-dessous explique simplement ce qu’elle contient.',
    portability:
      'Voici les données personnelles que vous nous avez fournies vous-même, utilisées avec votre consentement ou pour exécuter un contrat avec vous, dans un format lisible par machine que vous pouvez transmettre à un autre service (article 20 du RGPD).',
  },
  generatedAt: 'Préparé le',
  records: 'éléments',
  none: 'Nous ne détenons rien de ce type vous concernant.',
  truncated:
    'Seuls les premiers éléments sont affichés ici ; la liste complète figure dans les fichiers JSON et CSV de ce téléchargement.',
  files:
    'Les mêmes données se trouvent dans access-export.json (pour les logiciels) et dans un fichier CSV par partie (pour les tableurs).',
  flagged:
    'Certains éléments concernent aussi d’autres personnes ; notre équipe les vérifie avant de vous les communiquer.',
  otherSection: 'Autres données que nous détenons sur vous.',
  sections: {
    person: [
      'Vos coordonnées',
      'Les informations de votre fiche : nom, e-mail, téléphone, fonction, adresse et notes.',
    ],
    contact_points: [
      'Adresses e-mail et numéros de téléphone',
      'Toutes vos adresses e-mail et tous vos numéros, et celui que nous utilisons en premier.',
    ],
    tags: ['Étiquettes', 'Courts libellés que notre équipe ajoute à votre fiche pour classer les contacts.'],
    field_provenance: [
      'Origine de chaque information',
      'Pour les informations obtenues autrement que le reste de votre fiche : comment et quand.',
    ],
    rectifications: [
      'Corrections',
      'Chaque modification de vos informations : quand, lesquelles, leurs anciennes valeurs et le motif.',
    ],
    sources: [
      'Origine de vos données',
      'Comment et quand nous avons obtenu vos données pour la première fois.',
    ],
    imports: ['Imports', 'Les imports de fichiers par lesquels vos données sont arrivées.'],
    custom_fields: [
      'Informations complémentaires',
      'D’autres informations que notre organisation enregistre sur les contacts.',
    ],
    activities: ['Activités', 'Appels, réunions, e-mails et notes vous concernant, avec leur contenu.'],
    tasks: ['Tâches', 'Ce que notre équipe a prévu de faire vous concernant.'],
    deals: ['Affaires', 'Les affaires commerciales auxquelles vous êtes associé.'],
    organizations: [
      'Organisations',
      'Les organisations liées à vous (votre employeur ou la partie à une affaire).',
    ],
    consents: [
      'Vos consentements',
      'Chaque consentement donné ou retiré, pour quelle finalité, quand et comment, avec les preuves conservées.',
    ],
    receipts: [
      'Reçus de consentement',
      'Un reçu signé pour chaque événement de consentement, vérifiable avec notre clé publique.',
    ],
    consent_confirmations: [
      'E-mails de confirmation',
      'Les e-mails envoyés pour confirmer une inscription, et si vous l’avez confirmée.',
    ],
    standing: [
      'Oppositions et limitations',
      'Vos oppositions à l’utilisation de vos données et les limitations du traitement, avec leur statut.',
    ],
    legal_holds: [
      'Conservations légales',
      'Les raisons juridiques (par exemple un litige) pour lesquelles nous devons garder vos données pour l’instant.',
    ],
    erasure_runs: [
      'Tentatives d’effacement',
      'Les tentatives d’effacement de vos données, ce qui a dû être conservé et pourquoi.',
    ],
    processing_log: [
      'Ce que nous avons fait de vos données',
      'Notre journal de chaque lecture, modification, export ou refus, avec la finalité.',
    ],
    purposes: [
      'Pourquoi nous utilisons vos données',
      'Chaque finalité, sa base légale (article 6) et, pour les données sensibles, la condition de l’article 9.',
    ],
    recipients: [
      'Qui reçoit vos données',
      'Les destinataires et les prestataires (sous-traitants) qui traitent des données pour nous, et dans quels pays.',
    ],
    retention: [
      'Durée de conservation',
      'Pour chaque type de donnée : sa catégorie, si elle est sensible, son origine et sa durée de conservation.',
    ],
  },
};

const de: SummaryTexts = {
  title: {
    access: 'Ihre personenbezogenen Daten: Auskunftskopie',
    portability: 'Ihre personenbezogenen Daten: übertragbare Kopie',
  },
  intro: {
    access:
      'Dies ist eine Kopie aller personenbezogenen Daten, die wir über Sie speichern, wozu wir sie nutzen, wer sie erhält, wie lange wir sie aufbewahren und woher sie stammen (Art. 15 DSGVO). Jeder Teil unten erklärt in einfachen Worten, was er enthält.',
    portability:
      'Dies sind die personenbezogenen Daten, die Sie uns selbst gegeben haben und die wir mit Ihrer Einwilligung oder zur Erfüllung eines Vertrags mit Ihnen nutzen, in einem maschinenlesbaren Format, das Sie zu einem anderen Dienst mitnehmen können (Art. 20 DSGVO).',
  },
  generatedAt: 'Erstellt am',
  records: 'Einträge',
  none: 'Wir speichern nichts dieser Art über Sie.',
  truncated:
    'Hier sind nur die ersten Einträge zu sehen; die vollständige Liste steht in den JSON- und CSV-Dateien dieses Downloads.',
  files:
    'Dieselben Daten stehen in access-export.json (für Programme) und in einer CSV-Datei pro Teil (für Tabellenkalkulationen).',
  flagged:
    'Einige Einträge betreffen auch andere Personen; unser Team prüft sie, bevor sie an Sie herausgegeben werden.',
  otherSection: 'Weitere Daten, die wir über Sie speichern.',
  sections: {
    person: [
      'Ihre Angaben',
      'Die Angaben in Ihrem Datensatz: Name, E-Mail, Telefon, Position, Anschrift und Notizen.',
    ],
    contact_points: [
      'E-Mail-Adressen und Telefonnummern',
      'Alle E-Mail-Adressen und Telefonnummern von Ihnen, und welche wir zuerst verwenden.',
    ],
    tags: ['Schlagwörter', 'Kurze Kennzeichnungen, mit denen unser Team Kontakte ordnet.'],
    field_provenance: [
      'Herkunft einzelner Angaben',
      'Für Angaben, die anders als der Rest Ihres Datensatzes erhoben wurden: wie und wann.',
    ],
    rectifications: [
      'Berichtigungen',
      'Jede Änderung Ihrer Angaben: wann, welche, die vorherigen Werte und der angegebene Grund.',
    ],
    sources: ['Herkunft Ihrer Daten', 'Wie und wann wir Ihre Daten zuerst erhalten haben.'],
    imports: ['Importe', 'Dateiimporte, über die Ihre Daten zu uns kamen.'],
    custom_fields: ['Weitere Angaben', 'Weitere Angaben, die unsere Organisation zu Kontakten erfasst.'],
    activities: ['Aktivitäten', 'Anrufe, Treffen, E-Mails und Notizen über Sie, mit ihrem Inhalt.'],
    tasks: ['Aufgaben', 'Was unser Team in Bezug auf Sie erledigen wollte.'],
    deals: ['Geschäfte', 'Geschäfte, an denen Sie beteiligt sind.'],
    organizations: [
      'Organisationen',
      'Mit Ihnen verbundene Organisationen (Ihr Arbeitgeber oder Partei eines Geschäfts).',
    ],
    consents: [
      'Ihre Einwilligungen',
      'Jede erteilte oder widerrufene Einwilligung, für welchen Zweck, wann und wie, mit den aufbewahrten Nachweisen.',
    ],
    receipts: [
      'Einwilligungsbelege',
      'Ein signierter Beleg je Einwilligungsereignis, prüfbar mit unserem öffentlichen Schlüssel.',
    ],
    consent_confirmations: [
      'Bestätigungs-E-Mails',
      'E-Mails zur Bestätigung einer Anmeldung, und ob Sie bestätigt haben.',
    ],
    standing: [
      'Widersprüche und Einschränkungen',
      'Ihre Widersprüche gegen die Nutzung Ihrer Daten und Einschränkungen der Verarbeitung, mit ihrem Stand.',
    ],
    legal_holds: [
      'Rechtliche Aufbewahrung',
      'Rechtliche Gründe (etwa ein Gerichtsverfahren), aus denen wir Ihre Daten vorerst aufbewahren müssen.',
    ],
    erasure_runs: [
      'Löschversuche',
      'Versuche, Ihre Daten zu löschen, und was aus welchem Grund aufbewahrt werden musste.',
    ],
    processing_log: [
      'Was wir mit Ihren Daten getan haben',
      'Unser Protokoll jedes Lesens, Änderns, Exportierens oder Verweigerns, mit dem Zweck.',
    ],
    purposes: [
      'Wozu wir Ihre Daten nutzen',
      'Jeder Zweck, seine Rechtsgrundlage (Art. 6) und bei sensiblen Daten die Bedingung nach Art. 9.',
    ],
    recipients: [
      'Wer Ihre Daten erhält',
      'Empfänger und Dienstleister (Auftragsverarbeiter), die Daten für uns verarbeiten, und in welchen Ländern.',
    ],
    retention: [
      'Wie lange wir sie aufbewahren',
      'Für jede Datenart: Kategorie, ob sie sensibel ist, Herkunft und Aufbewahrungsdauer.',
    ],
  },
};

const texts: Readonly<Record<SummaryLanguage, SummaryTexts>> = { en, fr, de };

/**
 * The language the summary is written in for a requested tag: its primary subtag when supported, else English.
 *
 * @example
 * summaryLanguageOf('fr-CH'); // 'fr'
 * summaryLanguageOf('pt');    // 'en'
 */
export function summaryLanguageOf(tag: string): SummaryLanguage {
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0] ?? '';
  return (summaryLanguages as readonly string[]).includes(primary) ? (primary as SummaryLanguage) : 'en';
}

/** The summary's phrases in a supported language. */
export function summaryTextsOf(language: SummaryLanguage): SummaryTexts {
  return texts[language];
}
