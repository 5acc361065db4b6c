import { Badge, Button, Group, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { PageHeader } from '../../app/page-header.tsx';
import { PageLoader } from '../../app/page-loader.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { useSession } from '../../app/session.tsx';
import { PurposeFormModal } from './purpose-form-modal.tsx';
import { PurposeVersionsModal } from './purpose-versions-modal.tsx';
import { art9ConditionLabels, lawfulBasisLabels, purposesQueryKey, type Purpose } from './purposes-query.ts';

/** The register of purposes: lawful basis and state of each, create, edit (new version), activate, history. */
export function PurposesPage() {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const session = useSession();
  const canWrite = session.status === 'signed-in' && session.permissions.has('purposes:write');
  const canReadCatalogue = session.status === 'signed-in' && session.permissions.has('catalogue:read');
  const [editing, setEditing] = useState<Purpose | null>(null);
  const [creating, setCreating] = useState(false);
  const [history, setHistory] = useState<Purpose | null>(null);

  const purposes = useQuery({
    queryKey: purposesQueryKey,
    queryFn: () => body(api.GET('/api/v1/purposes')),
  });
  const categories = useQuery({
    queryKey: ['catalogue', 'categories'],
    queryFn: () => body(api.GET('/api/v1/catalogue/categories')),
    enabled: canReadCatalogue,
  });
  const toggle = useMutation({
    mutationFn: (purpose: Purpose) => {
      const params = { params: { path: { key: purpose.key } } };
      return body(
        purpose.active
          ? api.POST('/api/v1/purposes/{key}/deactivate', params)
          : api.POST('/api/v1/purposes/{key}/activate', params),
      );
    },
    onSuccess: async (saved) => {
      notifications.show({
        color: 'green',
        message: `${saved.name} is now ${saved.active ? 'active' : 'inactive'}.`,
      });
      await queryClient.invalidateQueries({ queryKey: purposesQueryKey });
    },
  });
  const items = purposes.data?.items ?? [];

  return (
    <>
      <PageHeader
        title="Purposes"
        description="Why personal data is processed. Every read or write of personal data names one of these purposes; only active ones allow processing. Each change is kept as a version."
        actions={canWrite ? <Button onClick={() => setCreating(true)}>New purpose</Button> : null}
      />
      <Stack>
        <ProblemAlert error={purposes.error} />
        <ProblemAlert error={toggle.error} />
        {purposes.isPending ? (
          <PageLoader />
        ) : items.length === 0 ? (
          <Text>No purposes registered yet.</Text>
        ) : (
          <Table.ScrollContainer minWidth={900}>
            <Table striped highlightOnHover verticalSpacing="sm" aria-label="Purposes">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Purpose</Table.Th>
                  <Table.Th>Lawful basis</Table.Th>
                  <Table.Th>Data categories</Table.Th>
                  <Table.Th>Retention</Table.Th>
                  <Table.Th>Version</Table.Th>
                  <Table.Th>State</Table.Th>
                  <Table.Th>
                    <VisuallyHidden>Actions</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((p) => (
                  <Table.Tr key={p.key}>
                    <Table.Td>
                      <Text fw={500} size="sm">
                        {p.name}
                      </Text>
                      <Text size="xs" c="dimmed" ff="monospace">
                        {p.key}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{lawfulBasisLabels[p.lawfulBasis]}</Text>
                      {p.art9Condition ? (
                        <Text size="xs" c="dimmed">
                          {art9ConditionLabels[p.art9Condition]}
                        </Text>
                      ) : null}
                      {p.directMarketing ? (
                        <Badge miw="max-content" size="xs" variant="outline" mt={4}>
                          Direct marketing
                        </Badge>
                      ) : null}
                      {p.answersRequests ? (
                        <Badge miw="max-content" size="xs" variant="outline" color="violet" mt={4}>
                          Built in: answers data subject requests
                        </Badge>
                      ) : null}
                    </Table.Td>
                    <Table.Td>
                      <Text size="xs" ff="monospace">
                        {p.requiredCategories.join(', ')}
                      </Text>
                      {p.optionalCategories.length > 0 ? (
                        <Text size="xs" ff="monospace" c="dimmed">
                          optional: {p.optionalCategories.join(', ')}
                        </Text>
                      ) : null}
                    </Table.Td>
                    <Table.Td ff="monospace">{p.retention}</Table.Td>
                    <Table.Td>{p.version}</Table.Td>
                    <Table.Td>
                      <Badge miw="max-content" variant="light" color={p.active ? 'green' : 'gray'}>
                        {p.active ? 'Active' : 'Inactive'}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <Group gap="xs" wrap="nowrap" justify="flex-end">
                        <Button
                          size="compact-sm"
                          variant="subtle"
                          onClick={() => setHistory(p)}
                          aria-label={`History of ${p.name}`}
                        >
                          History
                        </Button>
                        {canWrite ? (
                          <>
                            <Button
                              size="compact-sm"
                              variant="light"
                              onClick={() => setEditing(p)}
                              aria-label={`Edit ${p.name}`}
                            >
                              Edit
                            </Button>
                            {p.answersRequests ? null : (
                              <Button
                                size="compact-sm"
                                variant="default"
                                onClick={() => toggle.mutate(p)}
                                loading={toggle.isPending && toggle.variables.key === p.key}
                                aria-label={`${p.active ? 'Deactivate' : 'Activate'} ${p.name}`}
                              >
                                {p.active ? 'Deactivate' : 'Activate'}
                              </Button>
                            )}
                          </>
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
      <PurposeFormModal
        purpose={editing}
        opened={creating || editing !== null}
        onClose={() => {
          setCreating(false);
          setEditing(null);
        }}
        categories={categories.data?.items ?? []}
      />
      <PurposeVersionsModal purpose={history} onClose={() => setHistory(null)} />
    </>
  );
}
