import { ActionIcon, Button, Checkbox, Group, Modal, NumberInput, Paper, Stack, Switch, Text, TextInput, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { trainingQueryKey, type NewTrainingModule, type TrainingModule } from './training-query.ts';

interface QuestionDraft {
  text: string;
  options: { text: string; correct: boolean }[];
}

interface ModuleDraft {
  title: string;
  content: string;
  passMark: number;
  refresherInterval: string;
  active: boolean;
  quiz: QuestionDraft[];
}

const blankQuestion = (): QuestionDraft => ({ text: '', options: [{ text: '', correct: true }, { text: '', correct: false }] });
const emptyDraft = (): ModuleDraft => ({ title: '', content: '', passMark: 80, refresherInterval: 'P12M', active: true, quiz: [blankQuestion()] });

function draftOf(m: TrainingModule): ModuleDraft {
  return {
    title: m.title,
    content: m.content,
    passMark: m.passMark,
    refresherInterval: m.refresherInterval ?? '',
    active: m.active,
    quiz: m.quiz.map((q) => ({ text: q.text, options: q.options.map((o) => ({ text: o.text, correct: o.correct })) })),
  };
}

/** What is wrong with a draft before sending it (the server checks the same and answers a problem). */
function draftProblems(d: ModuleDraft): string[] {
  const problems: string[] = [];
  if (d.title.trim() === '') problems.push('The title is empty.');
  if (!Number.isInteger(d.passMark) || d.passMark < 0 || d.passMark > 100) problems.push('The pass mark is a percentage from 0 to 100.');
  if (d.quiz.length === 0) problems.push('Add at least one question.');
  d.quiz.forEach((q, i) => {
    if (q.text.trim() === '') problems.push(`Question ${i + 1} has no text.`);
    if (q.options.some((o) => o.text.trim() === '')) problems.push(`Question ${i + 1} has an empty option.`);
    if (!q.options.some((o) => o.correct)) problems.push(`Question ${i + 1} has no correct answer.`);
  });
  return problems;
}

/**
 * Writes or edits a training module: title, Markdown content, pass mark, refresher interval, and the quiz (questions,
 * options, which are right). Saving an existing module makes a new version (sent with If-Match).
 *
 * @example
 * <ModuleEditorModal module={editing} opened onClose={close} />
 */
export function ModuleEditorModal({ module, opened, onClose }: { module: TrainingModule | null; opened: boolean; onClose: () => void }) {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<ModuleDraft>(emptyDraft);
  const [shown, setShown] = useState<string[]>([]);
  useEffect(() => {
    if (!opened) return;
    setDraft(module ? draftOf(module) : emptyDraft());
    setShown([]);
  }, [opened, module]);

  const save = useMutation({
    mutationFn: (d: ModuleDraft) => {
      const fields: NewTrainingModule = {
        title: d.title.trim(),
        content: d.content,
        passMark: d.passMark,
        refresherInterval: d.refresherInterval.trim() === '' ? null : d.refresherInterval.trim(),
        active: d.active,
        quiz: d.quiz,
      };
      if (module) {
        return body(
          api.PATCH('/api/v1/training/modules/{id}', {
            params: { path: { id: module.id }, header: { 'if-match': `"${module.version}"` } },
            body: fields,
          }),
        );
      }
      return body(api.POST('/api/v1/training/modules', { body: fields }));
    },
    onSuccess: async (saved) => {
      notifications.show({ color: 'green', message: module ? `Saved as version ${saved.version}.` : `Module “${saved.title}” created.` });
      save.reset();
      onClose();
      await queryClient.invalidateQueries({ queryKey: trainingQueryKey });
    },
  });

  const setQuestion = (i: number, change: (q: QuestionDraft) => QuestionDraft) =>
    setDraft((d) => ({ ...d, quiz: d.quiz.map((q, j) => (j === i ? change(q) : q)) }));

  return (
    <Modal opened={opened} onClose={onClose} size="xl" title={module ? `Edit “${module.title}” (version ${module.version})` : 'New training module'}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const problems = draftProblems(draft);
          setShown(problems);
          if (problems.length === 0) save.mutate(draft);
        }}
      >
        <Stack>
          <TextInput label="Title" required value={draft.title} maxLength={200} onChange={(e) => setDraft({ ...draft, title: e.currentTarget.value })} />
          <Textarea
            label="Content (Markdown)"
            description="Headings, lists, bold, links and tables are kept; any HTML is removed when shown."
            autosize
            minRows={6}
            maxRows={20}
            value={draft.content}
            onChange={(e) => setDraft({ ...draft, content: e.currentTarget.value })}
          />
          <Group grow>
            <NumberInput label="Pass mark (%)" min={0} max={100} value={draft.passMark} onChange={(v) => setDraft({ ...draft, passMark: typeof v === 'number' ? v : Number(v) })} />
            <TextInput
              label="Refresher interval"
              description="ISO 8601, e.g. P12M; empty for none"
              value={draft.refresherInterval}
              onChange={(e) => setDraft({ ...draft, refresherInterval: e.currentTarget.value })}
            />
          </Group>
          <Switch label="Active" checked={draft.active} onChange={(e) => setDraft({ ...draft, active: e.currentTarget.checked })} />
          <Text fw={500}>Quiz</Text>
          {draft.quiz.map((q, i) => (
            <Paper key={i} withBorder p="sm">
              <Stack gap="xs">
                <Group align="flex-end" wrap="nowrap">
                  <TextInput
                    style={{ flex: 1 }}
                    label={`Question ${i + 1}`}
                    value={q.text}
                    onChange={(e) => {
                      const text = e.currentTarget.value;
                      setQuestion(i, (x) => ({ ...x, text }));
                    }}
                  />
                  <Button variant="subtle" color="red" onClick={() => setDraft((d) => ({ ...d, quiz: d.quiz.filter((_, j) => j !== i) }))}>
                    Remove question
                  </Button>
                </Group>
                {q.options.map((o, k) => (
                  <Group key={k} wrap="nowrap">
                    <Checkbox
                      aria-label={`Question ${i + 1}, option ${k + 1} is correct`}
                      checked={o.correct}
                      onChange={(e) => {
                        const correct = e.currentTarget.checked;
                        setQuestion(i, (x) => ({ ...x, options: x.options.map((y, m) => (m === k ? { ...y, correct } : y)) }));
                      }}
                    />
                    <TextInput
                      style={{ flex: 1 }}
                      aria-label={`Question ${i + 1}, option ${k + 1}`}
                      value={o.text}
                      onChange={(e) => {
                        const text = e.currentTarget.value;
                        setQuestion(i, (x) => ({ ...x, options: x.options.map((y, m) => (m === k ? { ...y, text } : y)) }));
                      }}
                    />
                    <ActionIcon
                      variant="subtle"
                      color="red"
                      aria-label={`Remove option ${k + 1} of question ${i + 1}`}
                      onClick={() => setQuestion(i, (x) => ({ ...x, options: x.options.filter((_, m) => m !== k) }))}
                    >
                      ×
                    </ActionIcon>
                  </Group>
                ))}
                <Button
                  variant="light"
                  size="compact-sm"
                  w="fit-content"
                  onClick={() => setQuestion(i, (x) => ({ ...x, options: [...x.options, { text: '', correct: false }] }))}
                >
                  Add option
                </Button>
              </Stack>
            </Paper>
          ))}
          <Button variant="default" w="fit-content" onClick={() => setDraft((d) => ({ ...d, quiz: [...d.quiz, blankQuestion()] }))}>
            Add question
          </Button>
          {shown.length > 0 ? (
            <Stack gap={2} role="alert">
              {shown.map((p) => (
                <Text key={p} size="sm" c="red">
                  {p}
                </Text>
              ))}
            </Stack>
          ) : null}
          <ProblemAlert error={save.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              {module ? 'Save new version' : 'Create module'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
