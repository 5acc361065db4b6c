import type { RequestStatus, RequestType } from '../requests/request-types.ts';

/** Languages the portal pages and emails are written in; anything else falls back to English. */
export const portalLanguages = ['en', 'fr', 'de'] as const;
export type PortalLanguage = (typeof portalLanguages)[number];

/**
 * The language to use for `value` (a form field, a `lang` query or a stored request language).
 *
 * @example
 * portalLanguage('fr-CA'); // 'fr'
 */
export function portalLanguage(value: string | undefined | null): PortalLanguage {
  const base = (value ?? '').slice(0, 2).toLowerCase();
  return (portalLanguages as readonly string[]).includes(base) ? (base as PortalLanguage) : 'en';
}

/** Every sentence the portal shows or sends, per language. */
export interface PortalTexts {
  readonly languageName: string;
  readonly title: (organisation: string) => string;
  readonly intro: string;
  readonly typeLegend: string;
  readonly types: Readonly<Record<RequestType, string>>;
  readonly statuses: Readonly<Record<RequestStatus, string>>;
  readonly email: string;
  readonly emailHint: string;
  readonly language: string;
  readonly message: string;
  readonly rectifyField: string;
  readonly rectifyValue: string;
  readonly purposes: string;
  readonly purposesHint: string;
  readonly submit: string;
  readonly checkEmailTitle: string;
  readonly checkEmail: string;
  readonly code: string;
  readonly verify: string;
  readonly confirmTitle: string;
  readonly confirmText: string;
  readonly confirm: string;
  readonly verifiedTitle: string;
  readonly verified: string;
  readonly followLink: string;
  readonly failedTitle: string;
  readonly failed: string;
  readonly tooManyTitle: string;
  readonly tooMany: string;
  readonly invalidTitle: string;
  readonly invalid: string;
  readonly notFoundTitle: string;
  readonly notFound: string;
  readonly statusTitle: string;
  readonly reference: string;
  readonly type: string;
  readonly status: string;
  readonly receivedAt: string;
  readonly dueAt: string;
  readonly extensionReason: string;
  readonly refusalReason: string;
  readonly outcome: string;
  readonly download: string;
  readonly downloadHint: string;
  /** The phone option (shown only when the workspace has SMS settings). */
  readonly sms: {
    readonly phone: string;
    readonly phoneHint: string;
    readonly channelLegend: string;
    readonly byEmail: string;
    readonly bySms: string;
    /** The form error when "text me a code" is chosen but the organisation cannot send texts. */
    readonly unavailable: string;
    readonly checkPhoneTitle: string;
    readonly checkPhone: string;
    /** On the verified page of a request verified by text (no status email follows). */
    readonly verifiedNoEmail: string;
    /** A wrong, used or expired texted code. */
    readonly failed: string;
    readonly verifyBody: (input: { code: string; reference: string; minutes: number; organisation: string }) => string;
  };
  readonly mail: {
    readonly verifySubject: (reference: string) => string;
    readonly verifyBody: (input: {
      code: string;
      link: string;
      reference: string;
      minutes: number;
    }) => string;
    readonly statusSubject: (reference: string) => string;
    readonly statusBody: (input: { link: string; reference: string }) => string;
    readonly eventSubject: (reference: string, kind: 'extended' | 'completed' | 'refused') => string;
    readonly eventBody: (input: {
      kind: 'extended' | 'completed' | 'refused';
      reference: string;
      status: string;
      link: string;
      download: string | null;
      /** For an extension (Art. 12(3)): the new deadline (YYYY-MM-DD) and the reason, told in the email itself. */
      extension: { readonly dueOn: string; readonly reason: string } | null;
    }) => string;
  };
}

const en: PortalTexts = {
  languageName: 'English',
  title: (o) => `Your privacy rights at ${o}`,
  intro:
    'Ask us to show, correct, hand over or erase the personal data we may hold about you, or to stop using it. We confirm your identity with a code sent to your email address.',
  typeLegend: 'What do you want to do?',
  types: {
    access: 'See the data you hold about me (access)',
    portability: 'Receive my data in a reusable format (portability)',
    rectification: 'Correct my data (rectification)',
    erasure: 'Erase my data (erasure)',
    restriction: 'Stop using my data for now, but keep it (restriction)',
    objection: 'Object to a use of my data (objection)',
    consent_withdrawal: 'Withdraw a consent I gave',
  },
  statuses: {
    received: 'Received',
    identity_unverified: 'Waiting for you to confirm your identity',
    verified: 'Identity confirmed, waiting to be handled',
    in_progress: 'Being handled',
    awaiting_information: 'Waiting for information from you',
    extended: 'Extended',
    completed: 'Completed',
    refused: 'Refused',
    cancelled: 'Cancelled',
  },
  email: 'Your email address',
  emailHint:
    'We send a code to this address. We answer in the same way whether or not we hold data about it.',
  language: 'Language for our answers',
  message: 'Anything you want to add (optional)',
  rectifyField: 'For a correction: which detail is wrong (e.g. last name)',
  rectifyValue: 'For a correction: the right value',
  purposes: 'For an objection, a restriction or a withdrawal: which uses (none ticked = all)',
  purposesHint: '',
  submit: 'Send my request',
  checkEmailTitle: 'Check your email',
  checkEmail:
    'If the address is right, an email with a 6-digit code and a link is on its way. The code is valid for 30 minutes. Type it below, or open the link in the email.',
  code: '6-digit code',
  verify: 'Confirm',
  confirmTitle: 'Confirm your request',
  confirmText: 'Press the button to confirm that you sent this request.',
  confirm: 'Yes, I sent this request',
  verifiedTitle: 'Thank you: your request is confirmed',
  verified: 'We have sent you an email with a link to follow your request. You can also follow it here:',
  followLink: 'Follow my request',
  failedTitle: 'We could not confirm this request',
  failed:
    'The code or link is not valid, was already used or has expired. Check the latest email we sent, or send your request again.',
  tooManyTitle: 'Too many attempts',
  tooMany: 'Please wait a little and try again.',
  invalidTitle: 'Please check the form',
  invalid: 'Some of what you typed is missing or not valid.',
  notFoundTitle: 'Not found',
  notFound: 'This page does not exist, or the link has expired.',
  statusTitle: 'Your request',
  reference: 'Reference',
  type: 'Type',
  status: 'Status',
  receivedAt: 'Received on',
  dueAt: 'We answer by',
  extensionReason: 'Why we need more time',
  refusalReason: 'Why we refused',
  outcome: 'What we want you to know',
  download: 'Download my data',
  downloadHint: 'The download link is valid for 7 days.',
  sms: {
    phone: 'Or your mobile number, in international form (e.g. +44 7700 900123)',
    phoneHint: 'We text a code to this number if you choose so below. We answer in the same way whether or not we hold data about it.',
    channelLegend: 'How should we send you the code?',
    byEmail: 'Email me a code',
    bySms: 'Text me a code',
    unavailable: 'We cannot send text messages: please give your email address and choose to receive the code by email.',
    checkPhoneTitle: 'Check your phone',
    checkPhone:
      'If the number is right, a text message with a 6-digit code is on its way. The code is valid for 30 minutes. Type it below.',
    verifiedNoEmail: 'Keep this link (bookmark it): it is how you follow your request, as we have no email address to send it to.',
    failed: 'The code is not valid, was already used or has expired. Check the latest text message we sent, or send your request again.',
    verifyBody: ({ code, reference, minutes, organisation }) =>
      `${organisation}: your code for privacy request ${reference}: ${code} (valid ${minutes} min). If you did not ask, ignore this message.`,
  },
  mail: {
    verifySubject: (r) => `Your code to confirm request ${r}`,
    verifyBody: ({ code, link, reference, minutes }) =>
      `Someone (we hope you) sent a privacy request with this email address (reference ${reference}).\n\n` +
      `Your code: ${code}\n\nOr open this link and press the button:\n${link}\n\n` +
      `The code and the link are valid for ${minutes} minutes. If you did not send this request, ignore this email: nothing happens without your confirmation.`,
    statusSubject: (r) => `Your request ${r} is confirmed`,
    statusBody: ({ link, reference }) =>
      `Thank you for confirming your request ${reference}. Follow it here:\n${link}\n`,
    eventSubject: (r, kind) =>
      kind === 'extended'
        ? `We need more time for your request ${r}`
        : kind === 'completed'
          ? `Your request ${r} is completed`
          : `Your request ${r} was refused`,
    eventBody: ({ kind, reference, status, link, download, extension }) =>
      `${kind === 'extended' ? 'We need more time to answer your request' : kind === 'completed' ? 'We have completed your request' : 'We have refused your request'} ${reference} (status: ${status}).\n` +
      (extension ? `We will answer by ${extension.dueOn}. Why: ${extension.reason}\nYou may complain to a supervisory authority or seek a judicial remedy if you disagree.\n` : '') +
      `The details and our reasons are on your request's page:\n${link}\n` +
      (download ? `\nDownload your data (link valid for 7 days):\n${download}\n` : ''),
  },
};

const fr: PortalTexts = {
  languageName: 'Français',
  title: (o) => `Vos droits sur vos données chez ${o}`,
  intro:
    'Demandez-nous de consulter, corriger, transmettre ou effacer les données personnelles que nous détenons peut-être sur vous, ou de cesser de les utiliser. Nous vérifions votre identité par un code envoyé à votre adresse e-mail.',
  typeLegend: 'Que souhaitez-vous faire ?',
  types: {
    access: 'Consulter les données que vous détenez sur moi (accès)',
    portability: 'Recevoir mes données dans un format réutilisable (portabilité)',
    rectification: 'Corriger mes données (rectification)',
    erasure: 'Effacer mes données (effacement)',
    restriction: 'Suspendre l’utilisation de mes données (limitation)',
    objection: 'M’opposer à une utilisation de mes données (opposition)',
    consent_withdrawal: 'Retirer un consentement donné',
  },
  statuses: {
    received: 'Reçue',
    identity_unverified: 'En attente de la confirmation de votre identité',
    verified: 'Identité confirmée, en attente de traitement',
    in_progress: 'En cours de traitement',
    awaiting_information: 'En attente d’informations de votre part',
    extended: 'Délai prolongé',
    completed: 'Terminée',
    refused: 'Refusée',
    cancelled: 'Annulée',
  },
  email: 'Votre adresse e-mail',
  emailHint:
    'Nous envoyons un code à cette adresse. Notre réponse est la même, que nous détenions des données ou non.',
  language: 'Langue de nos réponses',
  message: 'Précisions (facultatif)',
  rectifyField: 'Pour une correction : quelle donnée est inexacte (par ex. nom)',
  rectifyValue: 'Pour une correction : la bonne valeur',
  purposes:
    'Pour une opposition, une limitation ou un retrait : quelles utilisations (aucune cochée = toutes)',
  purposesHint: '',
  submit: 'Envoyer ma demande',
  checkEmailTitle: 'Consultez votre messagerie',
  checkEmail:
    'Si l’adresse est correcte, un e-mail avec un code à 6 chiffres et un lien est en route. Le code est valable 30 minutes. Saisissez-le ci-dessous ou ouvrez le lien.',
  code: 'Code à 6 chiffres',
  verify: 'Confirmer',
  confirmTitle: 'Confirmez votre demande',
  confirmText: 'Appuyez sur le bouton pour confirmer que vous avez envoyé cette demande.',
  confirm: 'Oui, j’ai envoyé cette demande',
  verifiedTitle: 'Merci : votre demande est confirmée',
  verified:
    'Nous vous avons envoyé un e-mail avec un lien pour suivre votre demande. Vous pouvez aussi la suivre ici :',
  followLink: 'Suivre ma demande',
  failedTitle: 'Nous n’avons pas pu confirmer cette demande',
  failed:
    'Le code ou le lien n’est pas valable, a déjà servi ou a expiré. Consultez notre dernier e-mail ou renvoyez votre demande.',
  tooManyTitle: 'Trop de tentatives',
  tooMany: 'Veuillez patienter un peu et réessayer.',
  invalidTitle: 'Vérifiez le formulaire',
  invalid: 'Une information manque ou n’est pas valable.',
  notFoundTitle: 'Introuvable',
  notFound: 'Cette page n’existe pas ou le lien a expiré.',
  statusTitle: 'Votre demande',
  reference: 'Référence',
  type: 'Type',
  status: 'Statut',
  receivedAt: 'Reçue le',
  dueAt: 'Réponse au plus tard le',
  extensionReason: 'Pourquoi il nous faut plus de temps',
  refusalReason: 'Motif du refus',
  outcome: 'Ce que nous devons vous indiquer',
  download: 'Télécharger mes données',
  downloadHint: 'Le lien de téléchargement est valable 7 jours.',
  sms: {
    phone: 'Ou votre numéro de mobile, au format international (p. ex. +33 6 12 34 56 78)',
    phoneHint: 'Nous envoyons un code par SMS à ce numéro si vous le choisissez ci-dessous. Nous répondons de la même façon que nous ayons ou non des données le concernant.',
    channelLegend: 'Comment voulez-vous recevoir le code ?',
    byEmail: 'Par e-mail',
    bySms: 'Par SMS',
    unavailable: 'Nous ne pouvons pas envoyer de SMS : indiquez votre adresse e-mail et choisissez de recevoir le code par e-mail.',
    checkPhoneTitle: 'Consultez votre téléphone',
    checkPhone:
      'Si le numéro est correct, un SMS avec un code à 6 chiffres est en route. Le code est valable 30 minutes. Saisissez-le ci-dessous.',
    verifiedNoEmail: 'Gardez ce lien (ajoutez-le à vos favoris) : il vous permet de suivre votre demande, car nous n’avons pas d’adresse e-mail où l’envoyer.',
    failed: 'Le code n’est pas valable, a déjà servi ou a expiré. Consultez notre dernier SMS ou renvoyez votre demande.',
    verifyBody: ({ code, reference, minutes, organisation }) =>
      `${organisation} : votre code pour la demande ${reference} : ${code} (valable ${minutes} min). Si vous n’avez rien demandé, ignorez ce message.`,
  },
  mail: {
    verifySubject: (r) => `Votre code pour confirmer la demande ${r}`,
    verifyBody: ({ code, link, reference, minutes }) =>
      `Quelqu’un (vous, nous l’espérons) a envoyé une demande avec cette adresse (référence ${reference}).\n\n` +
      `Votre code : ${code}\n\nOu ouvrez ce lien et appuyez sur le bouton :\n${link}\n\n` +
      `Le code et le lien sont valables ${minutes} minutes. Si vous n’êtes pas à l’origine de cette demande, ignorez cet e-mail : rien ne se passe sans votre confirmation.`,
    statusSubject: (r) => `Votre demande ${r} est confirmée`,
    statusBody: ({ link, reference }) =>
      `Merci d’avoir confirmé votre demande ${reference}. Suivez-la ici :\n${link}\n`,
    eventSubject: (r, kind) =>
      kind === 'extended'
        ? `Nous avons besoin de plus de temps pour votre demande ${r}`
        : kind === 'completed'
          ? `Votre demande ${r} est traitée`
          : `Votre demande ${r} a été refusée`,
    eventBody: ({ kind, reference, status, link, download, extension }) =>
      `${kind === 'extended' ? 'Nous avons besoin de plus de temps pour répondre à votre demande' : kind === 'completed' ? 'Nous avons traité votre demande' : 'Nous avons refusé votre demande'} ${reference} (statut : ${status}).\n` +
      (extension ? `Nous vous répondrons au plus tard le ${extension.dueOn}. Motif : ${extension.reason}\nVous pouvez introduire une réclamation auprès d'une autorité de contrôle ou former un recours juridictionnel.\n` : '') +
      `Les détails et nos motifs figurent sur la page de votre demande :\n${link}\n` +
      (download ? `\nTéléchargez vos données (lien valable 7 jours) :\n${download}\n` : ''),
  },
};

const de: PortalTexts = {
  languageName: 'Deutsch',
  title: (o) => `Ihre Datenschutzrechte bei ${o}`,
  intro:
    'Bitten Sie uns, die personenbezogenen Daten, die wir möglicherweise über Sie speichern, offenzulegen, zu berichtigen, herauszugeben oder zu löschen, oder ihre Nutzung einzustellen. Wir prüfen Ihre Identität mit einem Code an Ihre E-Mail-Adresse.',
  typeLegend: 'Was möchten Sie tun?',
  types: {
    access: 'Meine gespeicherten Daten einsehen (Auskunft)',
    portability: 'Meine Daten in einem wiederverwendbaren Format erhalten (Übertragbarkeit)',
    rectification: 'Meine Daten berichtigen (Berichtigung)',
    erasure: 'Meine Daten löschen (Löschung)',
    restriction: 'Die Nutzung meiner Daten vorerst einschränken (Einschränkung)',
    objection: 'Einer Nutzung meiner Daten widersprechen (Widerspruch)',
    consent_withdrawal: 'Eine Einwilligung widerrufen',
  },
  statuses: {
    received: 'Eingegangen',
    identity_unverified: 'Wartet auf die Bestätigung Ihrer Identität',
    verified: 'Identität bestätigt, wartet auf Bearbeitung',
    in_progress: 'In Bearbeitung',
    awaiting_information: 'Wartet auf Informationen von Ihnen',
    extended: 'Frist verlängert',
    completed: 'Abgeschlossen',
    refused: 'Abgelehnt',
    cancelled: 'Storniert',
  },
  email: 'Ihre E-Mail-Adresse',
  emailHint:
    'Wir senden einen Code an diese Adresse. Unsere Antwort ist dieselbe, ob wir Daten dazu speichern oder nicht.',
  language: 'Sprache unserer Antworten',
  message: 'Ergänzungen (optional)',
  rectifyField: 'Für eine Berichtigung: welche Angabe falsch ist (z. B. Nachname)',
  rectifyValue: 'Für eine Berichtigung: der richtige Wert',
  purposes: 'Für Widerspruch, Einschränkung oder Widerruf: welche Nutzungen (keine angekreuzt = alle)',
  purposesHint: '',
  submit: 'Anfrage senden',
  checkEmailTitle: 'Bitte prüfen Sie Ihre E-Mails',
  checkEmail:
    'Wenn die Adresse stimmt, ist eine E-Mail mit einem 6-stelligen Code und einem Link unterwegs. Der Code gilt 30 Minuten. Geben Sie ihn unten ein oder öffnen Sie den Link.',
  code: '6-stelliger Code',
  verify: 'Bestätigen',
  confirmTitle: 'Anfrage bestätigen',
  confirmText: 'Drücken Sie die Schaltfläche, um zu bestätigen, dass Sie diese Anfrage gesendet haben.',
  confirm: 'Ja, ich habe diese Anfrage gesendet',
  verifiedTitle: 'Danke: Ihre Anfrage ist bestätigt',
  verified:
    'Wir haben Ihnen eine E-Mail mit einem Link zum Verfolgen Ihrer Anfrage gesendet. Sie können sie auch hier verfolgen:',
  followLink: 'Meine Anfrage verfolgen',
  failedTitle: 'Wir konnten diese Anfrage nicht bestätigen',
  failed:
    'Der Code oder Link ist ungültig, wurde schon benutzt oder ist abgelaufen. Prüfen Sie unsere letzte E-Mail oder senden Sie die Anfrage erneut.',
  tooManyTitle: 'Zu viele Versuche',
  tooMany: 'Bitte warten Sie etwas und versuchen Sie es erneut.',
  invalidTitle: 'Bitte prüfen Sie das Formular',
  invalid: 'Eine Angabe fehlt oder ist ungültig.',
  notFoundTitle: 'Nicht gefunden',
  notFound: 'Diese Seite gibt es nicht, oder der Link ist abgelaufen.',
  statusTitle: 'Ihre Anfrage',
  reference: 'Referenz',
  type: 'Art',
  status: 'Status',
  receivedAt: 'Eingegangen am',
  dueAt: 'Antwort spätestens am',
  extensionReason: 'Warum wir mehr Zeit brauchen',
  refusalReason: 'Grund der Ablehnung',
  outcome: 'Was wir Ihnen mitteilen',
  download: 'Meine Daten herunterladen',
  downloadHint: 'Der Download-Link gilt 7 Tage.',
  sms: {
    phone: 'Oder Ihre Mobilnummer, im internationalen Format (z. B. +49 151 23456789)',
    phoneHint: 'Wir senden einen Code per SMS an diese Nummer, wenn Sie das unten wählen. Wir antworten gleich, ob wir Daten dazu haben oder nicht.',
    channelLegend: 'Wie sollen wir Ihnen den Code senden?',
    byEmail: 'Per E-Mail',
    bySms: 'Per SMS',
    unavailable: 'Wir können keine SMS senden: Bitte geben Sie Ihre E-Mail-Adresse an und wählen Sie den Code per E-Mail.',
    checkPhoneTitle: 'Sehen Sie auf Ihr Telefon',
    checkPhone:
      'Wenn die Nummer stimmt, ist eine SMS mit einem 6-stelligen Code unterwegs. Der Code gilt 30 Minuten. Geben Sie ihn unten ein.',
    verifiedNoEmail: 'Bewahren Sie diesen Link auf (Lesezeichen): damit verfolgen Sie Ihre Anfrage, da wir keine E-Mail-Adresse haben, an die wir ihn senden könnten.',
    failed: 'Der Code ist ungültig, wurde schon benutzt oder ist abgelaufen. Prüfen Sie unsere letzte SMS oder senden Sie die Anfrage erneut.',
    verifyBody: ({ code, reference, minutes, organisation }) =>
      `${organisation}: Ihr Code für die Datenschutzanfrage ${reference}: ${code} (gültig ${minutes} Min.). Wenn Sie nichts angefragt haben, ignorieren Sie diese Nachricht.`,
  },
  mail: {
    verifySubject: (r) => `Ihr Code zur Bestätigung der Anfrage ${r}`,
    verifyBody: ({ code, link, reference, minutes }) =>
      `Jemand (hoffentlich Sie) hat mit dieser E-Mail-Adresse eine Datenschutzanfrage gesendet (Referenz ${reference}).\n\n` +
      `Ihr Code: ${code}\n\nOder öffnen Sie diesen Link und drücken Sie die Schaltfläche:\n${link}\n\n` +
      `Code und Link gelten ${minutes} Minuten. Wenn Sie diese Anfrage nicht gesendet haben, ignorieren Sie diese E-Mail: ohne Ihre Bestätigung geschieht nichts.`,
    statusSubject: (r) => `Ihre Anfrage ${r} ist bestätigt`,
    statusBody: ({ link, reference }) =>
      `Danke für die Bestätigung Ihrer Anfrage ${reference}. Hier können Sie sie verfolgen:\n${link}\n`,
    eventSubject: (r, kind) =>
      kind === 'extended'
        ? `Wir brauchen mehr Zeit für Ihre Anfrage ${r}`
        : kind === 'completed'
          ? `Ihre Anfrage ${r} ist abgeschlossen`
          : `Ihre Anfrage ${r} wurde abgelehnt`,
    eventBody: ({ kind, reference, status, link, download, extension }) =>
      `${kind === 'extended' ? 'Wir brauchen mehr Zeit für die Antwort auf Ihre Anfrage' : kind === 'completed' ? 'Wir haben Ihre Anfrage abgeschlossen' : 'Wir haben Ihre Anfrage abgelehnt'} ${reference} (Status: ${status}).\n` +
      (extension ? `Wir antworten bis spätestens ${extension.dueOn}. Grund: ${extension.reason}\nSie können sich bei einer Aufsichtsbehörde beschweren oder einen gerichtlichen Rechtsbehelf einlegen.\n` : '') +
      `Einzelheiten und unsere Gründe finden Sie auf der Seite Ihrer Anfrage:\n${link}\n` +
      (download ? `\nIhre Daten herunterladen (Link gilt 7 Tage):\n${download}\n` : ''),
  },
};

/** The texts per portal language. */
export const portalTexts: Readonly<Record<PortalLanguage, PortalTexts>> = { en, fr, de };
