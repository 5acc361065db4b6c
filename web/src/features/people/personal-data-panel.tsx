import { Badge, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { useSession } from '../../app/session.tsx';
import { covers, type Person } from './people-query.ts';

/**
 * "All personal data we hold": every declared attribute of a person with its value, category, retention and the
 * purposes whose categories cover it (required or optional).
 *
 * @example
 * <PersonalDataPanel person={person} appliedPurpose="crm" />
 */
export function PersonalDataPanel({
  person,
  appliedPurpose,
}: {
  person: Person;
  appliedPurpose: string | null;
}) {
  const { api } = useApi();
  const session = useSession();
  const can = (p: string) => session.status === 'signed-in' && session.permissions.has(p);
  const attributes = useQuery({
    queryKey: ['catalogue', 'attributes', 'person'],
    queryFn: () => body(api.GET('/api/v1/catalogue/attributes', { params: { query: { entity: 'person' } } })),
    enabled: can('catalogue:read'),
  });
  const purposes = useQuery({
    queryKey: ['purposes'],
    queryFn: () => body(api.GET('/api/v1/purposes')),
    enabled: can('purposes:read'),
  });
  const values: Record<string, string | null> = {
    firstName: person.firstName,
    lastName: person.lastName,
    email: person.email,
    phone: person.phone,
  };
  const declared = attributes.data?.items ?? [];
  const rows =
    declared.length > 0
      ? declared
      : Object.keys(values).map((attribute) => ({
          attribute,
          category: '',
          special: false,
          retention: '',
          source: 'provided' as const,
        }));

  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="personal-data-title">
      <Stack>
        <div>
          <Title order={2} size="h4" id="personal-data-title">
            All personal data we hold
          </Title>
          <Text size="sm" c="dimmed">
            Every declared value about this person, with its data category and the purposes that may use it.
            Read under the purpose {appliedPurpose ?? '—'}.
          </Text>
        </div>
        <ProblemAlert error={attributes.error} />
        <Table.ScrollContainer minWidth={760}>
          <Table verticalSpacing="sm" aria-label="Personal data held">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Attribute</Table.Th>
                <Table.Th>Value</Table.Th>
                <Table.Th>Category</Table.Th>
                <Table.Th>Purposes</Table.Th>
                <Table.Th>Retention</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((a) => {
                const value = values[a.attribute];
                const using = (purposes.data?.items ?? []).filter(
                  (p) =>
                    a.category &&
                    [...p.requiredCategories, ...p.optionalCategories].some((prefix) =>
                      covers(prefix, a.category),
                    ),
                );
                return (
                  <Table.Tr key={a.attribute} data-attribute={a.attribute}>
                    <Table.Td ff="monospace">{a.attribute}</Table.Td>
                    <Table.Td>
                      {value === undefined ? (
                        <Text size="sm" c="dimmed">
                          Not readable here
                        </Text>
                      ) : value === null ? (
                        <Text size="sm" c="dimmed">
                          Not held
                        </Text>
                      ) : (
                        <Text size="sm">{value}</Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Text size="xs" ff="monospace">
                        {a.category || '—'}
                      </Text>
                      {a.special ? (
                        <Badge miw="max-content" size="xs" color="orange" variant="light">
                          Art. 9 special
                        </Badge>
                      ) : null}
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        {using.map((p) => (
                          <Badge
                            miw="max-content"
                            key={p.key}
                            size="sm"
                            variant={p.key === appliedPurpose ? 'filled' : 'light'}
                            color={p.active ? 'blue' : 'gray'}
                            title={`${p.name}${p.requiredCategories.some((c) => covers(c, a.category)) ? ' (required)' : ' (optional)'}`}
                          >
                            {p.key}
                          </Badge>
                        ))}
                      </Group>
                    </Table.Td>
                    <Table.Td ff="monospace">{a.retention || '—'}</Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Stack>
    </Paper>
  );
}
