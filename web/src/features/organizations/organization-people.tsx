import { Anchor, List, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';

/** The people of an organization, read through the people API (the gate decides under the role's purpose). */
export function OrganizationPeople({ organizationId }: { organizationId: string }) {
  const { api } = useApi();
  const people = useQuery({
    queryKey: ['people', 'organization', organizationId],
    queryFn: () => body(api.GET('/api/v1/people', { params: { query: { organizationId, limit: 100 } } })),
    retry: false,
  });
  if (people.error) return <ProblemAlert error={people.error} />;
  const items = people.data?.items ?? [];
  if (people.data && items.length === 0) return <Text size="sm">No people linked.</Text>;
  return (
    <List spacing={4}>
      {items.map((p) => (
        <List.Item key={p.id}>
          <Anchor component={Link} to={`/people/${p.id}`} size="sm">
            {[p.firstName, p.lastName].filter(Boolean).join(' ') || 'Unnamed person'}
          </Anchor>
        </List.Item>
      ))}
    </List>
  );
}
