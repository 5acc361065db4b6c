import { Alert, Anchor, Button, Grid, Group, Paper, Stack, Table, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { isApiError } from '../../api/api-error.ts';
import { PageHeader } from '../../app/page-header.tsx';
import { PageLoader } from '../../app/page-loader.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { useSession } from '../../app/session.tsx';
import { OrganizationFormModal } from './organization-form-modal.tsx';
import { OrganizationPeople } from './organization-people.tsx';
import { addressLine, organizationsQueryKey } from './organizations-query.ts';
import { RecordPanelList } from '../../app/record-panel-list.tsx';

/** An organization at `/organizations/:id`: its values, people, and the panels of other features (its deals…). */
export function OrganizationPage() {
  const { id = '' } = useParams();
  const { api } = useApi();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const session = useSession();
  const canWrite = session.status === 'signed-in' && session.permissions.has('crm:write');
  const canReadPeople = session.status === 'signed-in' && session.permissions.has('people:read');
  const [editing, setEditing] = useState(false);
  const organization = useQuery({ queryKey: [...organizationsQueryKey, id], queryFn: () => body(api.GET('/api/v1/organizations/{id}', { params: { path: { id } } })) });
  const remove = useMutation({
    mutationFn: () => api.DELETE('/api/v1/organizations/{id}', { params: { path: { id } } }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: organizationsQueryKey });
      await navigate('/organizations');
    },
  });
  const o = organization.data;
  return (
    <>
      <PageHeader
        title={o?.name ?? 'Organization'}
        description={
          <Anchor component={Link} to="/organizations" size="sm">
            ← All organizations
          </Anchor>
        }
        actions={
          canWrite && o ? (
            <Group>
              <Button variant="default" onClick={() => setEditing(true)}>
                Edit
              </Button>
              <Button color="red" variant="light" onClick={() => remove.mutate()} loading={remove.isPending}>
                Delete
              </Button>
            </Group>
          ) : null
        }
      />
      {isApiError(organization.error) && organization.error.status === 404 ? <Alert color="gray" title="No such organization" /> : <ProblemAlert error={organization.error ?? remove.error} />}
      {organization.isPending ? <PageLoader /> : null}
      {o ? (
        <Grid>
          <Grid.Col span={{ base: 12, md: 7 }}>
            <Stack>
              <Paper withBorder p="md">
                <Table variant="vertical" layout="fixed" withTableBorder={false}>
                  <Table.Tbody>
                    <Table.Tr>
                      <Table.Th w={160}>Domain</Table.Th>
                      <Table.Td>{o.domain ?? '—'}</Table.Td>
                    </Table.Tr>
                    <Table.Tr>
                      <Table.Th>Industry</Table.Th>
                      <Table.Td>{o.industry ?? '—'}</Table.Td>
                    </Table.Tr>
                    <Table.Tr>
                      <Table.Th>Size</Table.Th>
                      <Table.Td>{o.sizeBand ? `${o.sizeBand} people` : '—'}</Table.Td>
                    </Table.Tr>
                    <Table.Tr>
                      <Table.Th>Address</Table.Th>
                      <Table.Td>{addressLine(o.address)}</Table.Td>
                    </Table.Tr>
                  </Table.Tbody>
                </Table>
              </Paper>
              <RecordPanelList entity="organization" recordId={o.id} />
            </Stack>
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 5 }}>
            {canReadPeople ? (
              <Paper withBorder p="md">
                <Title order={2} size="h4" mb="sm">
                  People
                </Title>
                <OrganizationPeople organizationId={o.id} />
              </Paper>
            ) : null}
          </Grid.Col>
        </Grid>
      ) : null}
      {o ? <OrganizationFormModal key={o.version} opened={editing} onClose={() => setEditing(false)} organization={o} /> : null}
    </>
  );
}
