import { Button, Checkbox, Group, MultiSelect, Stack, Textarea, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { PageHeader } from '../../app/page-header.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { incidentsKey, instantOf, localInputValue, natureLabels, type Incident } from './incidents-query.ts';

type Nature = Incident['nature'][number];

/** "New incident": dates, nature, what happened and the accounts involved (the numbers are computed from them). */
export function NewIncidentForm() {
  const { api } = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [title, setTitle] = useState('');
  const [occurredFrom, setOccurredFrom] = useState('');
  const [occurredTo, setOccurredTo] = useState('');
  const [awareAt, setAwareAt] = useState(() => localInputValue(new Date()));
  const [nature, setNature] = useState<Nature[]>([]);
  const [description, setDescription] = useState('');
  const [userIds, setUserIds] = useState<string[]>([]);
  const users = useQuery({
    queryKey: [...incidentsKey, 'users'],
    queryFn: () => body(api.GET('/api/v1/users', { params: { query: { limit: 200 } } })),
  });
  const create = useMutation({
    mutationFn: () =>
      body(
        api.POST('/api/v1/incidents', {
          body: {
            title,
            occurredFrom: instantOf(occurredFrom),
            ...(occurredTo ? { occurredTo: instantOf(occurredTo) } : {}),
            awareAt: instantOf(awareAt),
            nature,
            description,
            involvedActors: userIds.map((id) => ({ type: 'user' as const, id })),
          },
        }),
      ),
    onSuccess: async (i) => {
      await queryClient.invalidateQueries({ queryKey: incidentsKey });
      await navigate(`/incidents/${i.id}`);
    },
  });
  return (
    <>
      <PageHeader
        title="New incident"
        description="Record a security incident or personal data breach (Art. 33(5)). The 72-hour clock runs from when you became aware."
      />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <Stack maw={720}>
          <ProblemAlert error={create.error} />
          <TextInput label="Title" required value={title} onChange={(e) => setTitle(e.currentTarget.value)} />
          <Group grow>
            <TextInput
              label="Occurred from"
              type="datetime-local"
              required
              value={occurredFrom}
              onChange={(e) => setOccurredFrom(e.currentTarget.value)}
            />
            <TextInput
              label="Occurred until (if known)"
              type="datetime-local"
              value={occurredTo}
              onChange={(e) => setOccurredTo(e.currentTarget.value)}
            />
          </Group>
          <TextInput
            label="Became aware at"
            type="datetime-local"
            required
            value={awareAt}
            onChange={(e) => setAwareAt(e.currentTarget.value)}
          />
          <Checkbox.Group
            label="Nature of the breach"
            value={nature}
            onChange={(v) => setNature(v as Nature[])}
          >
            <Group mt="xs">
              {(Object.keys(natureLabels) as Nature[]).map((n) => (
                <Checkbox key={n} value={n} label={natureLabels[n]} />
              ))}
            </Group>
          </Checkbox.Group>
          <Textarea
            label="What happened (no names)"
            autosize
            minRows={3}
            value={description}
            onChange={(e) => setDescription(e.currentTarget.value)}
          />
          <MultiSelect
            label="Accounts involved"
            description="The people and records affected are computed from these accounts' audit entries in the time window."
            data={(users.data?.items ?? []).map((u) => ({
              value: u.id,
              label: `${u.name || u.email} (${u.role.name})`,
            }))}
            value={userIds}
            onChange={setUserIds}
            searchable
          />
          <Group justify="flex-end">
            <Button component={Link} to="/incidents" variant="subtle">
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Record incident
            </Button>
          </Group>
        </Stack>
      </form>
    </>
  );
}
