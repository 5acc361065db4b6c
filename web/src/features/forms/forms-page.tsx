import { Anchor, Badge, Button, Code, CopyButton, Group, Modal, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { PageHeader } from '../../app/page-header.tsx';
import { PageLoader } from '../../app/page-loader.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { useSession } from '../../app/session.tsx';
import { FormBuilderModal } from './form-builder-modal.tsx';
import { formsQueryKey, type ConsentForm } from './forms-query.ts';

/** Consent forms: each with its version, purposes, submissions, hosted page and the snippet to embed it. */
export function FormsPage() {
  const { api } = useApi();
  const session = useSession();
  const canWrite = session.status === 'signed-in' && session.permissions.has('privacy:write');
  const [editing, setEditing] = useState<ConsentForm | null | undefined>(undefined);
  const [embedding, setEmbedding] = useState<ConsentForm | null>(null);
  const forms = useQuery({ queryKey: formsQueryKey, queryFn: () => body(api.GET('/api/v1/consent-forms', { params: { query: { limit: 200 } } })) });
  const items = forms.data?.items ?? [];

  return (
    <>
      <PageHeader
        title="Consent forms"
        description="Sign-up and consent forms for your website: one unticked checkbox per purpose with a link to its notice. Each save publishes a new version; evidence names the version a person saw."
        actions={canWrite ? <Button onClick={() => setEditing(null)}>New form</Button> : null}
      />
      <Stack>
        <ProblemAlert error={forms.error} />
        {forms.isPending ? (
          <PageLoader />
        ) : items.length === 0 ? (
          <Text>No forms yet.</Text>
        ) : (
          <Table.ScrollContainer minWidth={800}>
            <Table striped verticalSpacing="sm" aria-label="Consent forms">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Form</Table.Th>
                  <Table.Th>Purposes</Table.Th>
                  <Table.Th>Version</Table.Th>
                  <Table.Th>Submissions</Table.Th>
                  <Table.Th>Double opt-in</Table.Th>
                  <Table.Th>
                    <VisuallyHidden>Actions</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((form) => (
                  <Table.Tr key={form.id}>
                    <Table.Td>
                      <Text fw={600}>{form.name}</Text>
                      <Anchor href={form.hostedUrl} target="_blank" rel="noopener" size="sm">
                        Hosted page
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{form.definition.purposes.map((p) => p.key).join(', ')}</Table.Td>
                    <Table.Td>{form.version}</Table.Td>
                    <Table.Td>{form.submissions}</Table.Td>
                    <Table.Td>{form.definition.doubleOptIn ? <Badge color="green">on</Badge> : <Badge color="gray">off</Badge>}</Table.Td>
                    <Table.Td>
                      <Group gap="xs" justify="flex-end">
                        <Button size="xs" variant="light" onClick={() => setEmbedding(form)} aria-label={`Embed ${form.name}`}>
                          Embed
                        </Button>
                        {canWrite ? (
                          <Button size="xs" variant="default" onClick={() => setEditing(form)} aria-label={`Edit ${form.name}`}>
                            Edit
                          </Button>
                        ) : null}
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
      {editing !== undefined ? <FormBuilderModal key={editing?.id ?? 'new'} form={editing} opened onClose={() => setEditing(undefined)} /> : null}
      <Modal opened={embedding !== null} onClose={() => setEmbedding(null)} title={`Embed ${embedding?.name ?? ''}`} size="lg">
        {embedding ? (
          <Stack>
            <Text size="sm">Paste this where the form should appear. Only these websites may use it: {embedding.definition.allowedOrigins.join(', ') || 'none yet (edit the form)'}.</Text>
            <Code block>{embedding.embedSnippet}</Code>
            <CopyButton value={embedding.embedSnippet}>{({ copied, copy }) => <Button onClick={copy}>{copied ? 'Copied' : 'Copy snippet'}</Button>}</CopyButton>
            <Text size="sm">
              Or link to the hosted page: <Anchor href={embedding.hostedUrl}>{embedding.hostedUrl}</Anchor>
            </Text>
          </Stack>
        ) : null}
      </Modal>
    </>
  );
}
