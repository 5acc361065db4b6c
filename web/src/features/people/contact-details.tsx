import { Badge, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { formatDateTime } from '../../app/format-date-time.ts';
import { lifecycleStageLabels, provenanceSourceLabels, type ContactPoint, type LifecycleStage, type Person, type ProvenanceSource } from './people-query.ts';

function Points({ title, list }: { title: string; list: readonly ContactPoint[] }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {title}
      </Text>
      {list.length === 0 ? (
        <Text size="sm">—</Text>
      ) : (
        list.map((p) => (
          <Group key={p.value} gap={6}>
            <Text size="sm">{p.value}</Text>
            {p.label ? (
              <Text size="xs" c="dimmed">
                {p.label}
              </Text>
            ) : null}
            {p.primary && list.length > 1 ? (
              <Badge size="xs" variant="light">
                primary
              </Badge>
            ) : null}
          </Group>
        ))
      )}
    </div>
  );
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm">{children}</Text>
    </div>
  );
}

const sourceLabel = (source: string) => provenanceSourceLabels[source as ProvenanceSource] ?? source;

/**
 * Every contact value of a person (emails, phones, address, job title, organization, owner, stage, tags, notes) and
 * where the data came from: the record's provenance and each field whose provenance differs (Art. 14, 15(1)(g)).
 */
export function ContactDetails({ person, organizationName, ownerName }: { person: Person; organizationName: string | null; ownerName: string | null }) {
  const address = person.address ? [person.address.street, [person.address.postalCode, person.address.city].filter(Boolean).join(' '), person.address.region, person.address.country].filter(Boolean).join(', ') : '—';
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="contact-details" data-testid="contact-details">
      <Title order={3} size="h4" id="contact-details" mb="sm">
        Contact details
      </Title>
      <Stack>
        <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }}>
          <Points title="Emails" list={person.emails} />
          <Points title="Phones" list={person.phones} />
          <Fact label="Job title">{person.jobTitle ?? '—'}</Fact>
          <Fact label="Organization">{person.organizationId ? (organizationName ?? person.organizationId) : '—'}</Fact>
          <Fact label="Owner">{person.ownerUserId ? (ownerName ?? 'A user') : '—'}</Fact>
          <Fact label="Lifecycle stage">{person.lifecycleStage ? lifecycleStageLabels[person.lifecycleStage as LifecycleStage] : '—'}</Fact>
          <Fact label="Postal address">{address}</Fact>
          <div>
            <Text size="xs" c="dimmed">
              Tags
            </Text>
            <Group gap={4}>
              {person.tags.length === 0 ? <Text size="sm">—</Text> : person.tags.map((t) => <Badge key={t} variant="outline">{t}</Badge>)}
            </Group>
          </div>
        </SimpleGrid>
        {person.notes ? <Fact label="Notes">{person.notes}</Fact> : null}
        {person.withheld.length > 0 ? (
          <Text size="xs" c="dimmed">
            Not shown under this purpose or role: {person.withheld.join(', ')}.
          </Text>
        ) : null}
        <div>
          <Title order={4} size="h5" mb={4}>
            Where the data comes from
          </Title>
          <Table withRowBorders={false} verticalSpacing={2} aria-label="Provenance" data-testid="provenance">
            <Table.Tbody>
              <Table.Tr>
                <Table.Td>Record</Table.Td>
                <Table.Td>{sourceLabel(person.provenance.source)}</Table.Td>
                <Table.Td>{person.provenance.sourceDetail ?? ''}</Table.Td>
                <Table.Td>{person.provenance.obtainedAt ? formatDateTime(person.provenance.obtainedAt) : ''}</Table.Td>
                <Table.Td>{person.provenance.importId ? `import ${person.provenance.importId}` : ''}</Table.Td>
              </Table.Tr>
              {person.fieldProvenance.map((p) => (
                <Table.Tr key={p.field}>
                  <Table.Td>{p.field}</Table.Td>
                  <Table.Td>{sourceLabel(p.source)}</Table.Td>
                  <Table.Td>{p.sourceDetail ?? ''}</Table.Td>
                  <Table.Td>{p.obtainedAt ? formatDateTime(p.obtainedAt) : ''}</Table.Td>
                  <Table.Td>{p.importId ? `import ${p.importId}` : ''}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </div>
      </Stack>
    </Paper>
  );
}
