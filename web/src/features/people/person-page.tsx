import { Alert, Anchor, Button, Code, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useApi } from '../../api/api-context.tsx';
import { isApiError } from '../../api/api-error.ts';
import { formatDateTime } from '../../app/format-date-time.ts';
import { PageHeader } from '../../app/page-header.tsx';
import { PageLoader } from '../../app/page-loader.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { useSession } from '../../app/session.tsx';
import { ContactDetails } from './contact-details.tsx';
import { EditPersonModal } from './edit-person-modal.tsx';
import { ErasePersonModal } from './erase-person-modal.tsx';
import { RecordPanelList } from '../../app/record-panel-list.tsx';
import { displayName, peopleQueryKey, purposeHeaders, withAppliedPurpose } from './people-query.ts';
import { PersonalDataPanel } from './personal-data-panel.tsx';
import { PrivacyPanel } from './privacy-panel.tsx';
import { PurposeSelector } from './purpose-selector.tsx';

/**
 * A person, at `/people/:id`: who they are and their contact details with provenance (read under the chosen purpose),
 * editing (If-Match, with a reason), the panels other features add (timeline, tasks, custom fields…), their privacy
 * panel, all the personal data held about them, and erasure. The page title stays generic so no name reaches the browser history.
 */
export function PersonPage({
  purpose,
  onPurposeChange,
}: {
  purpose: string | null;
  onPurposeChange: (purpose: string | null) => void;
}) {
  const { id = '' } = useParams();
  const { api } = useApi();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const session = useSession();
  const canErase = session.status === 'signed-in' && session.permissions.has('people:erase');
  const canWrite = session.status === 'signed-in' && session.permissions.has('people:write');
  const [erasing, setErasing] = useState(false);
  const [editing, setEditing] = useState(false);
  const [erased, setErased] = useState(false);
  const person = useQuery({
    queryKey: [...peopleQueryKey, id, 'person', purpose],
    queryFn: () =>
      withAppliedPurpose(
        api.GET('/api/v1/people/{id}', { params: { path: { id } }, headers: purposeHeaders(purpose) }),
      ),
    enabled: !erased,
  });
  const goneStatus =
    isApiError(person.error) && (person.error.status === 410 || person.error.status === 404)
      ? person.error.status
      : null;
  const data = person.data?.data;
  const organization = useQuery({
    queryKey: ['organizations', data?.organizationId],
    queryFn: async () => (await api.GET('/api/v1/organizations/{id}', { params: { path: { id: data?.organizationId ?? '' } } })).data,
    enabled: Boolean(data?.organizationId),
    retry: false,
  });
  const ownerName = data?.ownerUserId && session.status === 'signed-in' && session.me.id === data.ownerUserId ? session.me.name : null;

  return (
    <>
      <PageHeader
        title="Person"
        description={
          <Anchor component={Link} to="/people" size="sm">
            ← All people
          </Anchor>
        }
        actions={
          data && !erased ? (
            <Group>
              {canWrite ? (
                <Button variant="default" onClick={() => setEditing(true)}>
                  Edit
                </Button>
              ) : null}
              {canErase ? (
                <Button color="red" variant="light" onClick={() => setErasing(true)}>
                  Erase person
                </Button>
              ) : null}
            </Group>
          ) : null
        }
      />
      <Stack>
        <PurposeSelector value={purpose} onChange={onPurposeChange} applied={person.data?.appliedPurpose} />
        {goneStatus !== null ? (
          <Alert color="gray" title={goneStatus === 410 ? 'This person was erased' : 'No such person'}>
            {goneStatus === 410
              ? 'Their data key was destroyed; nothing about them can be read any more.'
              : 'The person does not exist in this workspace.'}
          </Alert>
        ) : (
          <ProblemAlert error={person.error} />
        )}
        {person.isPending && !erased ? <PageLoader /> : null}
        {data && !erased ? (
          <>
            <Paper withBorder p="md" radius="md" component="section" aria-labelledby="person-identity">
              <Group justify="space-between" align="flex-start">
                <div>
                  <Title order={2} size="h3" id="person-identity" data-testid="person-name">
                    {displayName(data)}
                  </Title>
                  <Text size="sm">{data.email ?? ''}</Text>
                  <Text size="sm">{data.phone ?? ''}</Text>
                </div>
                <Stack gap={2} align="flex-end">
                  <Text size="xs" c="dimmed">
                    Pseudonym <Code>{data.pseudonym}</Code>
                  </Text>
                  <Text size="xs" c="dimmed">
                    Added {formatDateTime(data.createdAt)} · version {data.version}
                  </Text>
                </Stack>
              </Group>
            </Paper>
            <ContactDetails person={data} organizationName={organization.data?.name ?? null} ownerName={ownerName} />
            <RecordPanelList entity="person" recordId={data.id} />
            <PrivacyPanel personId={data.id} />
            <PersonalDataPanel person={data} appliedPurpose={person.data?.appliedPurpose ?? null} />
          </>
        ) : null}
      </Stack>
      {data && editing ? (
        <EditPersonModal key={data.version} person={data} opened={editing} onClose={() => setEditing(false)} purpose={purpose} />
      ) : null}
      {id ? (
        <ErasePersonModal
          personId={id}
          opened={erasing}
          purpose={purpose}
          onErased={() => {
            setErased(true);
            queryClient.removeQueries({ queryKey: [...peopleQueryKey, id] });
          }}
          onClose={(done) => {
            setErasing(false);
            if (done) {
              void queryClient.invalidateQueries({ queryKey: peopleQueryKey });
              void navigate('/people');
            }
          }}
        />
      ) : null}
    </>
  );
}
