import { Anchor, Badge, Button, Card, Group, Modal, Select, Stack, Table, Text, TextInput, Textarea } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import type { Success } from '../../api/api-types.ts';
import { formatDateTime } from '../../app/format-date-time.ts';
import { PageHeader } from '../../app/page-header.tsx';
import { PageLoader } from '../../app/page-loader.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { useSession } from '../../app/session.tsx';

type NoticeVersion = Success<'/api/v1/notices/versions/{id}', 'get'>;
const noticesKey = ['notices'] as const;

/** Edits a draft's title and text, then publishes it (a published version is immutable). */
function DraftEditor({ draft, onClose }: { draft: NoticeVersion; onClose: () => void }) {
  const { api } = useApi();
  const client = useQueryClient();
  const [title, setTitle] = useState(draft.title);
  const [markdown, setMarkdown] = useState(draft.markdown);
  const save = useMutation({
    mutationFn: () => body(api.PATCH('/api/v1/notices/versions/{id}', { params: { path: { id: draft.id } }, body: { title, markdown } })),
    onSuccess: () => client.invalidateQueries({ queryKey: noticesKey }),
  });
  const publish = useMutation({
    mutationFn: async () => {
      await body(api.PATCH('/api/v1/notices/versions/{id}', { params: { path: { id: draft.id } }, body: { title, markdown } }));
      return body(api.POST('/api/v1/notices/versions/{id}/publish', { params: { path: { id: draft.id } } }));
    },
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: noticesKey });
      onClose();
    },
  });
  return (
    <Stack>
      <ProblemAlert error={save.error ?? publish.error} />
      <TextInput label="Title" value={title} onChange={(e) => setTitle(e.currentTarget.value)} required />
      <Textarea label="Text (Markdown)" value={markdown} onChange={(e) => setMarkdown(e.currentTarget.value)} autosize minRows={12} maxRows={24} required />
      <Group justify="flex-end">
        <Button variant="default" onClick={() => save.mutate()} loading={save.isPending}>
          Save draft
        </Button>
        <Button onClick={() => publish.mutate()} loading={publish.isPending}>
          Publish
        </Button>
      </Group>
    </Stack>
  );
}

/**
 * Privacy notices per purpose and language: a draft is generated from the purpose register (the Art. 13 items),
 * edited, then published; a published version is immutable and has a public page that consent forms link to.
 */
export function NoticesPage() {
  const { api } = useApi();
  const client = useQueryClient();
  const session = useSession();
  const canWrite = session.status === 'signed-in' && session.permissions.has('purposes:write');
  const notices = useQuery({ queryKey: noticesKey, queryFn: () => body(api.GET('/api/v1/notices')) });
  const purposes = useQuery({ queryKey: ['purposes'], queryFn: () => body(api.GET('/api/v1/purposes')) });
  const [purpose, setPurpose] = useState<string | null>(null);
  const [language, setLanguage] = useState('en');
  const [editing, setEditing] = useState<NoticeVersion | null>(null);
  const create = useMutation({
    mutationFn: () => body(api.POST('/api/v1/notices', { body: { purpose: purpose!, language } })),
    onSuccess: async (draft) => {
      await client.invalidateQueries({ queryKey: noticesKey });
      setEditing(draft);
    },
  });
  const versions = (notices.data?.items ?? []).flatMap((n) => n.versions);
  return (
    <>
      <PageHeader title="Privacy notices" description="What people read before they consent: one notice per purpose and language, versioned. Consent evidence points to the exact version and its digest." />
      <Stack>
        <ProblemAlert error={notices.error ?? create.error} />
        {canWrite ? (
          <Card withBorder padding="md">
            <Group align="flex-end">
              <Select
                label="Purpose"
                placeholder="Choose a purpose"
                data={(purposes.data?.items ?? []).map((p) => ({ value: p.key, label: p.name }))}
                value={purpose}
                onChange={setPurpose}
                searchable
              />
              <TextInput label="Language" value={language} onChange={(e) => setLanguage(e.currentTarget.value)} w={110} />
              <Button onClick={() => create.mutate()} disabled={!purpose} loading={create.isPending}>
                New draft from the register
              </Button>
            </Group>
          </Card>
        ) : null}
        {notices.isPending ? (
          <PageLoader />
        ) : versions.length === 0 ? (
          <Text>No notice yet.</Text>
        ) : (
          <Table.ScrollContainer minWidth={720}>
            <Table striped verticalSpacing="sm" aria-label="Notice versions">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Purpose</Table.Th>
                  <Table.Th>Language</Table.Th>
                  <Table.Th>Version</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Title</Table.Th>
                  <Table.Th>Published</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {versions.map((v) => (
                  <Table.Tr key={v.id}>
                    <Table.Td>{v.purpose}</Table.Td>
                    <Table.Td>{v.language}</Table.Td>
                    <Table.Td>{v.version}</Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={v.status === 'published' ? 'teal' : v.status === 'draft' ? 'blue' : 'gray'}>
                        {v.status}
                      </Badge>
                    </Table.Td>
                    <Table.Td>{v.title}</Table.Td>
                    <Table.Td>{v.publishedAt ? formatDateTime(v.publishedAt) : '—'}</Table.Td>
                    <Table.Td>
                      {v.url ? (
                        <Anchor href={v.url} target="_blank">
                          Public page
                        </Anchor>
                      ) : canWrite ? (
                        <Button size="xs" variant="light" onClick={() => setEditing(v)}>
                          Edit draft
                        </Button>
                      ) : null}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
      <Modal opened={editing !== null} onClose={() => setEditing(null)} title={editing ? `${editing.purpose} (${editing.language}), version ${editing.version}` : ''} size="xl">
        {editing ? <DraftEditor draft={editing} onClose={() => setEditing(null)} /> : null}
      </Modal>
    </>
  );
}
