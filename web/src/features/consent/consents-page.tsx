import { Anchor, Badge, Card, Group, Progress, SegmentedControl, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { PageHeader } from '../../app/page-header.tsx';
import { PageLoader } from '../../app/page-loader.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { ConsentRateChart } from './consent-rate-chart.tsx';

/**
 * Consent analytics for the DPO: per consent-based purpose the consent rate now, consents given and withdrawn per
 * day, those expiring within 30 days, per form counts, and the evidence export for an auditor.
 */
export function ConsentsPage() {
  const { api } = useApi();
  const [days, setDays] = useState('90');
  const stats = useQuery({
    queryKey: ['consents', 'analytics', days],
    queryFn: () => body(api.GET('/api/v1/consents/analytics', { params: { query: { days: Number(days) } } })),
  });
  return (
    <>
      <PageHeader
        title="Consents"
        description="Consent rate per purpose and form over time, withdrawals, and what expires soon. Evidence exports are for auditors: every event with its evidence and signed receipt."
      />
      <Stack>
        <Group>
          <SegmentedControl
            aria-label="Period"
            value={days}
            onChange={setDays}
            data={[
              { value: '30', label: '30 days' },
              { value: '90', label: '90 days' },
              { value: '365', label: '1 year' },
            ]}
          />
        </Group>
        <ProblemAlert error={stats.error} />
        {stats.isPending ? (
          <PageLoader />
        ) : (stats.data?.purposes.length ?? 0) === 0 ? (
          <Text>No consent recorded yet. Consents arrive through forms, the widget, the API or staff.</Text>
        ) : (
          <SimpleGrid cols={{ base: 1, lg: 2 }}>
            {stats.data!.purposes.map((p) => (
              <Card key={p.purpose} withBorder padding="lg" data-testid={`consent-purpose-${p.purpose}`}>
                <Group justify="space-between" mb="xs">
                  <Title order={2} size="h4">
                    {p.purpose}
                  </Title>
                  {p.expiringSoon > 0 ? (
                    <Badge color="yellow" variant="light">
                      {p.expiringSoon} expiring within 30 days
                    </Badge>
                  ) : null}
                </Group>
                <Text size="sm" mb={4}>
                  Consent rate now: <strong>{Math.round(p.rate * 100)}%</strong> ({p.valid} valid of {p.records} records)
                </Text>
                <Progress value={p.rate * 100} aria-label={`Consent rate for ${p.purpose}`} mb="md" />
                <ConsentRateChart daily={p.daily} label={`Consents for ${p.purpose}`} />
                <Group mt="sm" gap="md">
                  <Anchor href={`/api/v1/consents/evidence?purpose=${encodeURIComponent(p.purpose)}&format=html`} target="_blank" size="sm">
                    Evidence (printable)
                  </Anchor>
                  <Anchor href={`/api/v1/consents/evidence?purpose=${encodeURIComponent(p.purpose)}`} size="sm">
                    Evidence (JSON)
                  </Anchor>
                </Group>
              </Card>
            ))}
          </SimpleGrid>
        )}
        {(stats.data?.forms.length ?? 0) > 0 ? (
          <Card withBorder padding="lg">
            <Title order={2} size="h4" mb="sm">
              Per form
            </Title>
            <SimpleGrid cols={{ base: 1, lg: 2 }}>
              {stats.data!.forms.map((f) => (
                <Stack key={f.formId} gap={4} data-testid={`consent-form-${f.formId}`}>
                  <Group justify="space-between">
                    <Text size="sm" fw={600}>
                      {f.formId}
                    </Text>
                    <Text size="sm">
                      {f.given} given · {f.requested} awaiting confirmation · {f.withdrawn} withdrawn ·{' '}
                      <Anchor href={`/api/v1/consents/evidence?formId=${encodeURIComponent(f.formId)}&format=html`} target="_blank">
                        evidence
                      </Anchor>
                    </Text>
                  </Group>
                  <ConsentRateChart daily={f.daily} label={`Consents through form ${f.formId}`} />
                </Stack>
              ))}
            </SimpleGrid>
          </Card>
        ) : null}
      </Stack>
    </>
  );
}
