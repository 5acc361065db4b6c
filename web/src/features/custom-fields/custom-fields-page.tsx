import { Badge, Button, Group, Stack, Table, Tabs, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { PageHeader } from '../../app/page-header.tsx';
import { PageLoader } from '../../app/page-loader.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { useSession } from '../../app/session.tsx';
import { customFieldsQueryKey, entityLabels, typeLabels, type CustomField, type CustomFieldEntity } from './custom-fields-query.ts';
import { NewCustomFieldModal } from './new-custom-field-modal.tsx';

const entities: CustomFieldEntity[] = ['person', 'organization', 'deal'];

/** Custom field settings: the fields of people, organizations and deals; person fields with their classification. */
export function CustomFieldsPage() {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const session = useSession();
  const canConfigure = session.status === 'signed-in' && session.permissions.has('crm:configure');
  const [entity, setEntity] = useState<CustomFieldEntity>('person');
  const [creating, setCreating] = useState(false);
  const fields = useQuery({
    queryKey: [...customFieldsQueryKey, 'definitions'],
    queryFn: () => body(api.GET('/api/v1/custom-fields')),
  });
  const archive = useMutation({
    mutationFn: (field: CustomField) =>
      body(
        api.PATCH('/api/v1/custom-fields/{id}', {
          params: { path: { id: field.id }, header: { 'if-match': `"${field.version}"` } },
          body: { archived: !field.archived },
        }),
      ),
    onSuccess: async (saved) => {
      notifications.show({ color: 'green', message: `${saved.label} ${saved.archived ? 'archived' : 'restored'}.` });
      await queryClient.invalidateQueries({ queryKey: customFieldsQueryKey });
    },
  });
  const items = (fields.data?.items ?? []).filter((f) => f.entity === entity);

  return (
    <>
      <PageHeader
        title="Custom fields"
        description="Extra fields on people, organizations and deals. A person field is personal data: it is classified (category, Art. 9, source, retention, purposes), declared in the data catalogue and encrypted under each person's key."
        actions={canConfigure ? <Button onClick={() => setCreating(true)}>New field</Button> : null}
      />
      <Tabs value={entity} onChange={(v) => setEntity((v as CustomFieldEntity | null) ?? 'person')}>
        <Tabs.List mb="md">
          {entities.map((e) => (
            <Tabs.Tab key={e} value={e}>
              {entityLabels[e]}
            </Tabs.Tab>
          ))}
        </Tabs.List>
      </Tabs>
      <Stack>
        <ProblemAlert error={fields.error ?? archive.error} />
        {fields.isPending ? (
          <PageLoader />
        ) : items.length === 0 ? (
          <Text c="dimmed">No custom fields on {entityLabels[entity].toLowerCase()} yet.</Text>
        ) : (
          <Table.ScrollContainer minWidth={760}>
            <Table verticalSpacing={6} aria-label={`Custom fields of ${entityLabels[entity].toLowerCase()}`}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Label</Table.Th>
                  <Table.Th>Key</Table.Th>
                  <Table.Th>Type</Table.Th>
                  {entity === 'person' ? <Table.Th>Classification</Table.Th> : null}
                  <Table.Th>Flags</Table.Th>
                  {canConfigure ? <Table.Th /> : null}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((f) => (
                  <Table.Tr key={f.id}>
                    <Table.Td>{f.label}</Table.Td>
                    <Table.Td>
                      <Text size="sm" ff="monospace">
                        {f.key}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      {typeLabels[f.type]}
                      {f.options.length > 0 ? (
                        <Text size="xs" c="dimmed">
                          {f.options.join(', ')}
                        </Text>
                      ) : null}
                    </Table.Td>
                    {entity === 'person' ? (
                      <Table.Td>
                        {f.classification ? (
                          <>
                            <Text size="sm" ff="monospace">
                              {f.classification.category}
                            </Text>
                            <Text size="xs" c="dimmed">
                              {f.classification.source} · kept {f.classification.retention} · for {f.classification.purposes.join(', ')}
                            </Text>
                          </>
                        ) : null}
                      </Table.Td>
                    ) : null}
                    <Table.Td>
                      <Group gap={4}>
                        {f.classification?.special ? <Badge color="red">Art. 9</Badge> : null}
                        {f.required ? <Badge variant="light">Required</Badge> : null}
                        {f.filterable ? <Badge variant="light">Filterable</Badge> : null}
                        {f.archived ? <Badge color="gray">Archived</Badge> : null}
                      </Group>
                    </Table.Td>
                    {canConfigure ? (
                      <Table.Td>
                        <Button size="xs" variant="default" loading={archive.isPending} onClick={() => archive.mutate(f)}>
                          {f.archived ? 'Restore' : 'Archive'}
                        </Button>
                      </Table.Td>
                    ) : null}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
      <NewCustomFieldModal opened={creating} entity={entity} onClose={() => setCreating(false)} />
    </>
  );
}
