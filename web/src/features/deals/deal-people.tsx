import { Anchor, Button, Group, List, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQueries, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { isApiError } from '../../api/api-error.ts';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { dealsQueryKey, ifMatch, type Deal } from './deals-query.ts';

/**
 * The people linked to a deal. Their names are read through the people API (the gate decides, under the role's
 * default purpose); a person is linked by exact email lookup, never by browsing names.
 */
export function DealPeople({ deal, canWrite }: { deal: Deal; canWrite: boolean }) {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const people = useQueries({
    queries: deal.personIds.map((id) => ({
      queryKey: ['people', id, 'deal-person'],
      queryFn: () => body(api.GET('/api/v1/people/{id}', { params: { path: { id } } })),
      retry: false,
    })),
  });
  const save = useMutation({
    mutationFn: (personIds: string[]) => body(api.PATCH('/api/v1/deals/{id}', { params: { path: { id: deal.id }, header: ifMatch(deal.version) }, body: { personIds } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: dealsQueryKey }),
  });
  const link = useMutation({
    mutationFn: async () => {
      const found = await body(api.POST('/api/v1/people/lookup', { body: { email: email.trim() } }));
      const person = found.items[0];
      if (!person) throw new Error('not found');
      await save.mutateAsync([...new Set([...deal.personIds, person.id])]);
      setEmail('');
    },
  });
  return (
    <Stack gap="xs">
      {deal.personIds.length === 0 ? <Text size="sm">No people linked.</Text> : null}
      <List spacing={4}>
        {deal.personIds.map((id, i) => {
          const q = people[i];
          const name = q?.data ? [q.data.firstName, q.data.lastName].filter(Boolean).join(' ') || 'Unnamed person' : null;
          return (
            <List.Item key={id}>
              <Group gap="xs">
                <Anchor component={Link} to={`/people/${id}`} size="sm">
                  {name ?? (q && isApiError(q.error) ? 'Not readable under your purpose' : '…')}
                </Anchor>
                {canWrite ? (
                  <Button size="compact-xs" variant="subtle" color="red" onClick={() => save.mutate(deal.personIds.filter((p) => p !== id))}>
                    Unlink
                  </Button>
                ) : null}
              </Group>
            </List.Item>
          );
        })}
      </List>
      {canWrite ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (email.trim()) link.mutate();
          }}
        >
          <Group align="flex-end">
            <TextInput label="Link a person by email" type="email" autoComplete="off" value={email} onChange={(e) => setEmail(e.currentTarget.value)} />
            <Button type="submit" variant="light" loading={link.isPending}>
              Link
            </Button>
          </Group>
        </form>
      ) : null}
      {link.error && !isApiError(link.error) ? <Text size="sm" c="red">No person has this email.</Text> : <ProblemAlert error={link.error ?? save.error} />}
    </Stack>
  );
}
