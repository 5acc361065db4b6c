import fs from 'node:fs';
import type { QuizQuestionInput } from '../quiz.ts';

/** A module Custodian ships, seeded in every new workspace. */
export interface StarterModule {
  /** Stable key, kept on the seeded module. */
  readonly key: string;
  readonly title: string;
  /** Markdown file beside this one. */
  readonly file: string;
  readonly passMark: number;
  readonly refresherInterval: string;
  readonly quiz: readonly QuizQuestionInput[];
}

const yes = (text: string) => ({ text, correct: true });
const no = (text: string) => ({ text, correct: false });

/** The three starter modules: GDPR principles, data subject requests, breaches. */
export const starterModules: readonly StarterModule[] = [
  {
    key: 'gdpr-principles',
    title: 'GDPR principles for CRM users',
    file: 'gdpr-principles.md',
    passMark: 80,
    refresherInterval: 'P12M',
    quiz: [
      {
        text: 'A contact gave us their details to get support. May we add them to a marketing campaign?',
        options: [
          no('Yes, we already hold their details'),
          yes('Not without a basis of its own for marketing: purpose limitation'),
          no('Yes, if the campaign is short'),
        ],
      },
      {
        text: 'Which of these is a principle of Article 5 GDPR?',
        options: [yes('Data minimisation'), yes('Storage limitation'), no('Data maximisation for better analytics'), no('Indefinite retention')],
      },
      {
        text: 'What does "accountability" mean?',
        options: [
          no('Only the DPO is responsible for compliance'),
          yes('The organisation must be able to show that it complies'),
          no('Each employee pays the fines they cause'),
        ],
      },
      {
        text: 'Which of these is special-category data under Article 9?',
        options: [yes('A contact\'s health condition'), no('A business phone number'), yes('Trade-union membership'), no('A job title')],
      },
      {
        text: 'A person objects to direct marketing. What happens?',
        options: [
          yes('They must not receive marketing again: the objection is absolute'),
          no('We weigh our interests against theirs first'),
          no('We may continue until the campaign ends'),
        ],
      },
      {
        text: 'You keep an export of contacts on your laptop "just in case". Which principles does this put at risk?',
        options: [yes('Storage limitation'), yes('Integrity and confidentiality'), no('None, if the laptop is yours')],
      },
      {
        text: 'Custodian refuses to show a record under the purpose you chose. What do you do?',
        options: [
          no('Ask a colleague to open it for you'),
          yes('Work under the right purpose, or ask the DPO if you believe you need it'),
          no('Copy the data into a note where it is not checked'),
        ],
      },
    ],
  },
  {
    key: 'data-subject-requests',
    title: 'Handling data subject requests',
    file: 'data-subject-requests.md',
    passMark: 80,
    refresherInterval: 'P12M',
    quiz: [
      {
        text: 'By when must we answer a data subject request (Article 12(3))?',
        options: [
          no('Within 72 hours'),
          yes('Without undue delay and at the latest within one month of receipt'),
          no('Within three months'),
          no('When the privacy team has time'),
        ],
      },
      {
        text: 'The request is complex. What may we do?',
        options: [
          yes('Extend by two further months, telling the person and why within the first month'),
          no('Extend as long as needed without telling them'),
          no('Refuse it because it is complex'),
        ],
      },
      {
        text: 'A customer writes to sales: "Please delete everything you have on me." What is it?',
        options: [yes('An erasure request, even though it does not cite the GDPR'), no('Not a request: it does not mention Article 17'), no('A complaint to ignore')],
      },
      {
        text: 'When does the one-month deadline start?',
        options: [no('When the privacy team records it'), yes('When the request reaches anyone in the organisation'), no('When identity has been confirmed by a passport copy')],
      },
      {
        text: 'How do we check the identity of someone asking for a copy of their data?',
        options: [
          yes('Proportionately, with what we already know, e.g. replying to the address on the record'),
          no('Always by asking for a copy of their passport'),
          no('We do not check: we send the data to whoever asks'),
        ],
      },
      {
        text: 'May we charge for answering an access request?',
        options: [
          yes('No, it is free; only manifestly unfounded or excessive requests may incur a reasonable fee'),
          no('Yes, always a fixed fee'),
          no('Only if the person is not a customer'),
        ],
      },
      {
        text: 'Which are rights a person may exercise under the GDPR?',
        options: [yes('Access (Article 15)'), yes('Portability (Article 20)'), yes('Restriction (Article 18)'), no('Choosing which employee handles their file')],
      },
      {
        text: 'You received a request by phone. What should you do?',
        options: [
          yes('Pass it to the privacy team the same day and tell the person it was received'),
          no('Delete the record yourself right away'),
          no('Ask them to send a registered letter before anything counts'),
        ],
      },
    ],
  },
  {
    key: 'breach-reporting',
    title: 'Spotting and reporting a breach',
    file: 'breach-reporting.md',
    passMark: 80,
    refresherInterval: 'P12M',
    quiz: [
      {
        text: 'Within how long must the supervisory authority be notified of a reportable breach (Article 33)?',
        options: [no('One month'), yes('Without undue delay and, where feasible, within 72 hours of becoming aware'), no('Seven working days'), no('Only once the investigation is finished')],
      },
      {
        text: 'Which of these are personal data breaches?',
        options: [
          yes('A newsletter sent with every recipient in CC'),
          yes('A lost unencrypted laptop holding a contact export'),
          yes('Records deleted by ransomware'),
          no('A customer updating their own address in the portal'),
        ],
      },
      {
        text: 'You sent a customer list to the wrong person by mistake on Friday evening. What do you do?',
        options: [
          yes('Report it to the DPO or security contact immediately'),
          no('Wait until Monday to see if the person replies'),
          no('Say nothing since it was an accident'),
        ],
      },
      {
        text: 'What should your internal report contain?',
        options: [
          yes('What happened, when it happened and was discovered'),
          yes('What data and roughly how many people are involved'),
          yes('What was done to contain it and how to reach you'),
          no('Nothing until you are sure it is a breach'),
        ],
      },
      {
        text: 'Do weekends count in the 72 hours?',
        options: [yes('Yes, they are calendar hours'), no('No, only working hours count')],
      },
      {
        text: 'What must you NOT do after spotting a breach?',
        options: [
          yes('Delete the emails or logs that show what happened'),
          yes('Contact the affected people yourself'),
          no('Report it even though you are unsure'),
        ],
      },
    ],
  },
];

/** The Markdown content of a starter module. */
export function starterContent(module: StarterModule): string {
  return fs.readFileSync(new URL(`./${module.file}`, import.meta.url), 'utf8');
}
