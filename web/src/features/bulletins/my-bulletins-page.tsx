import { Badge, Button, Group, Paper, Stack, Text, Title, Typography } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { formatDateTime } from '../../app/format-date-time.ts';
import { PageHeader } from '../../app/page-header.tsx';
import { PageLoader } from '../../app/page-loader.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { bulletinsQueryKey } from './bulletins-query.ts';

/** The bulletins addressed to the user's role (`/my-bulletins`), to read and acknowledge. */
export function MyBulletinsPage() {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const mine = useQuery({ queryKey: [...bulletinsQueryKey, 'me'], queryFn: () => body(api.GET('/api/v1/bulletins/me')) });
  const acknowledge = useMutation({
    mutationFn: (id: string) => body(api.POST('/api/v1/bulletins/{id}/acknowledge', { params: { path: { id } } })),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: bulletinsQueryKey });
    },
  });
  const items = mine.data?.items ?? [];
  return (
    <>
      <PageHeader title="Bulletins" description="Regulatory updates from your data protection officer. Read each one and confirm you have." />
      <Stack>
        <ProblemAlert error={mine.error ?? acknowledge.error} />
        {mine.isPending ? (
          <PageLoader />
        ) : items.length === 0 ? (
          <Text>No bulletin for you.</Text>
        ) : (
          items.map((b) => (
            <Paper key={b.id} withBorder p="lg" component="article" aria-label={b.title}>
              <Group justify="space-between" mb="xs">
                <Title order={2} size="h4">
                  {b.title}
                </Title>
                {b.acknowledgedAt ? (
                  <Badge color="green" variant="light">
                    Read {formatDateTime(b.acknowledgedAt)}
                  </Badge>
                ) : (
                  <Badge color="orange" variant="light">
                    To read
                  </Badge>
                )}
              </Group>
              <Text size="xs" c="dimmed" mb="sm">
                Published {formatDateTime(b.publishedAt)}
              </Text>
              <Typography>
                {/* Rendered from Markdown and reduced to formatting tags by the server (sanitize-html). */}
                <div dangerouslySetInnerHTML={{ __html: b.bodyHtml }} />
              </Typography>
              {b.acknowledgedAt ? null : (
                <Button mt="md" onClick={() => acknowledge.mutate(b.id)} loading={acknowledge.isPending && acknowledge.variables === b.id}>
                  I have read it
                </Button>
              )}
            </Paper>
          ))
        )}
      </Stack>
    </>
  );
}
