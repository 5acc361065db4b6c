import { Alert, Anchor, Badge, Button, Checkbox, Group, Paper, Stack, Text, Title, Typography } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { PageHeader } from '../../app/page-header.tsx';
import { PageLoader } from '../../app/page-loader.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { formatDay, statusBadges, trainingQueryKey, type AttemptResult } from './training-query.ts';

/**
 * One assigned module (`/my-training/:moduleId`): its content (HTML the server rendered from Markdown and sanitised),
 * then the quiz. The result says passed or failed with the score; a failed attempt can be retried at once.
 */
export function TakeModulePage() {
  const { moduleId = '' } = useParams();
  const { api } = useApi();
  const queryClient = useQueryClient();
  const [answers, setAnswers] = useState<Record<string, string[]>>({});
  const [result, setResult] = useState<AttemptResult | null>(null);
  const module = useQuery({
    queryKey: [...trainingQueryKey, 'take', moduleId],
    queryFn: () => body(api.GET('/api/v1/training/me/modules/{id}', { params: { path: { id: moduleId } } })),
  });
  const submit = useMutation({
    mutationFn: (version: number) =>
      body(api.POST('/api/v1/training/me/modules/{id}/attempts', { params: { path: { id: moduleId } }, body: { version, answers } })),
    onSuccess: async (r) => {
      setResult(r);
      await queryClient.invalidateQueries({ queryKey: trainingQueryKey });
    },
  });

  if (module.isPending) return <PageLoader />;
  const m = module.data;

  return (
    <>
      <PageHeader
        title={m?.title ?? 'Training module'}
        description={
          <Anchor component={Link} to="/my-training">
            Back to my training
          </Anchor>
        }
      />
      <Stack>
        <ProblemAlert error={module.error} />
        {m ? (
          <>
            <Group gap="sm">
              <Badge variant="light" color={statusBadges[m.assignment.status].color}>
                {statusBadges[m.assignment.status].label}
              </Badge>
              <Text size="sm" c="dimmed">
                Due {formatDay(m.assignment.dueAt)} · pass mark {m.passMark} % · version {m.version}
              </Text>
            </Group>
            <Paper withBorder p="lg">
              <Typography>
                {/* Rendered from Markdown and reduced to formatting tags by the server (sanitize-html). */}
                <div data-testid="module-content" dangerouslySetInnerHTML={{ __html: m.contentHtml }} />
              </Typography>
            </Paper>
            <Title order={2} size="h3">
              Quiz
            </Title>
            <Text size="sm" c="dimmed">
              Tick every right answer: a question may have more than one.
            </Text>
            <form
              aria-label="Quiz"
              onSubmit={(e) => {
                e.preventDefault();
                submit.mutate(m.version);
              }}
            >
              <Stack>
                {m.quiz.map((q, i) => (
                  <Paper key={q.id} withBorder p="md" data-testid={`quiz-question-${q.id}`}>
                    <Checkbox.Group
                      label={`${i + 1}. ${q.text}`}
                      value={answers[q.id] ?? []}
                      onChange={(values) => setAnswers((a) => ({ ...a, [q.id]: [...values].sort() }))}
                    >
                      <Stack gap="xs" mt="xs">
                        {q.options.map((o) => (
                          <Checkbox
                            key={o.id}
                            value={o.id}
                            label={o.text}
                            disabled={result !== null}
                          />
                        ))}
                      </Stack>
                    </Checkbox.Group>
                  </Paper>
                ))}
                <ProblemAlert error={submit.error} />
                {result ? (
                  <Alert
                    role="status"
                    color={result.passed ? 'green' : 'red'}
                    title={result.passed ? `Passed with ${result.score} %` : `Not passed: ${result.score} %`}
                    data-testid="quiz-result"
                  >
                    {result.passed
                      ? 'This module is complete. Thank you.'
                      : `You need ${result.passMark} % to pass. ${result.correctQuestions.length} of ${m.quiz.length} answers were right. Read the module again and retry.`}
                  </Alert>
                ) : null}
                <Group>
                  {result === null ? (
                    // Distinct keys: reusing one DOM button would turn Retry into a submit during its own click.
                    <Button key="submit" type="submit" loading={submit.isPending}>
                      Submit answers
                    </Button>
                  ) : (
                    <Button
                      key="retry"
                      type="button"
                      variant="default"
                      onClick={() => {
                        setResult(null);
                        setAnswers({});
                      }}
                    >
                      {result.passed ? 'Take it again' : 'Retry'}
                    </Button>
                  )}
                </Group>
              </Stack>
            </form>
          </>
        ) : null}
      </Stack>
    </>
  );
}
