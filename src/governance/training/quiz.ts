import { AppError } from '../../errors.ts';

/** One option of a question, as stored (with whether it is right). */
export interface QuizOption {
  readonly id: string;
  readonly text: string;
  readonly correct: boolean;
}

/** One question; a question is answered right when exactly its correct options are chosen. */
export interface QuizQuestion {
  readonly id: string;
  readonly text: string;
  readonly options: readonly QuizOption[];
}

/** A question as authored (ids are given by the server, in order: `q1`, `q2`…, options `a`, `b`…). */
export interface QuizQuestionInput {
  readonly text: string;
  readonly options: readonly { readonly text: string; readonly correct: boolean }[];
}

/** The learner's view: no `correct` flags. */
export interface PublicQuizQuestion {
  readonly id: string;
  readonly text: string;
  readonly options: { readonly id: string; readonly text: string }[];
}

/** Chosen option ids per question id. */
export type QuizAnswers = Readonly<Record<string, readonly string[]>>;

const optionLetters = 'abcdefghijklmnopqrstuvwxyz';

/**
 * Checks an authored quiz and gives it ids. Refuses (`VALIDATION_FAILED`, with the path of the fault) a quiz with no
 * question, a question or option with empty text, a question with fewer than two options or with no correct one.
 *
 * @example
 * const quiz = buildQuiz([{ text: 'Deadline to notify a breach?', options: [{ text: '72 hours', correct: true }, { text: '1 month', correct: false }] }]);
 * quiz[0].id; // 'q1'
 */
export function buildQuiz(input: readonly QuizQuestionInput[]): QuizQuestion[] {
  if (input.length === 0) throw quizFault('/quiz', 'A quiz needs at least one question');
  return input.map((q, qi) => {
    const path = `/quiz/${qi}`;
    if (q.text.trim() === '') throw quizFault(`${path}/text`, `Question ${qi + 1} has no text`);
    if (q.options.length < 2) throw quizFault(`${path}/options`, `Question ${qi + 1} needs at least two options`);
    if (q.options.length > optionLetters.length) throw quizFault(`${path}/options`, `Question ${qi + 1} has too many options`);
    q.options.forEach((o, oi) => {
      if (o.text.trim() === '') throw quizFault(`${path}/options/${oi}/text`, `Question ${qi + 1}, option ${oi + 1} is empty`);
    });
    if (!q.options.some((o) => o.correct)) {
      throw quizFault(`${path}/options`, `Question ${qi + 1} has no correct answer`);
    }
    return {
      id: `q${qi + 1}`,
      text: q.text.trim(),
      options: q.options.map((o, oi) => ({ id: optionLetters[oi] as string, text: o.text.trim(), correct: o.correct })),
    };
  });
}

function quizFault(path: string, detail: string): AppError {
  return new AppError('VALIDATION_FAILED', { detail, errors: [{ path, message: detail }] });
}

/** The quiz without the answers, for the learner. */
export function publicQuiz(quiz: readonly QuizQuestion[]): PublicQuizQuestion[] {
  return quiz.map((q) => ({ id: q.id, text: q.text, options: q.options.map((o) => ({ id: o.id, text: o.text })) }));
}

/** The result of marking answers. */
export interface QuizMark {
  /** Percentage of questions answered right, rounded down. */
  readonly score: number;
  readonly passed: boolean;
  /** Ids of the questions answered right. */
  readonly correctQuestions: string[];
}

/**
 * Marks answers against a quiz. Refuses (`VALIDATION_FAILED`) answers naming a question or an option the quiz does
 * not have; an unanswered question counts as wrong.
 *
 * @example
 * markQuiz(quiz, { q1: ['a'] }, 80); // { score: 100, passed: true, correctQuestions: ['q1'] }
 */
export function markQuiz(quiz: readonly QuizQuestion[], answers: QuizAnswers, passMark: number): QuizMark {
  const byId = new Map(quiz.map((q) => [q.id, q]));
  for (const [questionId, chosen] of Object.entries(answers)) {
    const question = byId.get(questionId);
    if (!question) throw quizFault(`/answers/${questionId}`, `The quiz has no question ${questionId}`);
    for (const optionId of chosen) {
      if (!question.options.some((o) => o.id === optionId)) {
        throw quizFault(`/answers/${questionId}`, `Question ${questionId} has no option ${optionId}`);
      }
    }
  }
  const correctQuestions = quiz
    .filter((q) => {
      const chosen = new Set(answers[q.id] ?? []);
      const right = q.options.filter((o) => o.correct).map((o) => o.id);
      return chosen.size === right.length && right.every((id) => chosen.has(id));
    })
    .map((q) => q.id);
  const score = Math.floor((correctQuestions.length * 100) / quiz.length);
  return { score, passed: score >= passMark, correctQuestions };
}
