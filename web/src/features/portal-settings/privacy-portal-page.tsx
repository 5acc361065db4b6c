import {
  Anchor,
  Button,
  CopyButton,
  Group,
  SegmentedControl,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import type { Success } from '../../api/api-types.ts';
import { formatDateTime } from '../../app/format-date-time.ts';
import { PageHeader } from '../../app/page-header.tsx';
import { PageLoader } from '../../app/page-loader.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';

type Activity = Success<'/api/v1/privacy-portal', 'get'>;

const rows: readonly { key: Exclude<keyof Activity, 'url' | 'since'>; label: string; hint: string }[] = [
  {
    key: 'submissions',
    label: 'Requests submitted',
    hint: 'Each starts unverified, with its own code and link.',
  },
  {
    key: 'verified',
    label: 'Verified by the person',
    hint: 'Code typed or link confirmed; now in the inbox.',
  },
  {
    key: 'expiredUnverified',
    label: 'Never verified',
    hint: 'The 30 minutes passed without a code or link.',
  },
  {
    key: 'exhausted',
    label: 'Stopped after five wrong codes',
    hint: 'Possible guessing: the request stays unverified.',
  },
  {
    key: 'refusedVerifications',
    label: 'Refused codes and links',
    hint: 'Wrong, expired, used or foreign; each audited.',
  },
  {
    key: 'refusedLinks',
    label: 'Refused status and download links',
    hint: 'Guessed, expired or foreign; each audited.',
  },
  { key: 'downloads', label: 'Results downloaded', hint: 'Exports fetched through a 7-day link.' },
  {
    key: 'emailsPending',
    label: 'Emails to requesters waiting',
    hint: 'Sent by the portal job every 15 seconds.',
  },
  { key: 'emailsFailed', label: 'Emails given up', hint: 'Five failed attempts: check the SMTP settings.' },
  { key: 'textsPending', label: 'Code texts waiting', hint: 'Retried every minute while the SMS gateway fails.' },
  { key: 'textsFailed', label: 'Code texts given up', hint: 'Five failures or the code expired: check the SMS settings.' },
];

/** Where the public privacy portal of this workspace is, and how it is used (counts only, no one named). */
export function PrivacyPortalPage() {
  const { api } = useApi();
  const [days, setDays] = useState('30');
  const activity = useQuery({
    queryKey: ['privacy-portal', days],
    queryFn: () => body(api.GET('/api/v1/privacy-portal', { params: { query: { days: Number(days) } } })),
  });
  return (
    <Stack>
      <PageHeader
        title="Privacy portal"
        description="The public page where people ask to see, correct, receive or erase their data, or to stop its use. No account is needed: identity is checked with a code sent to the email address given."
      />
      <ProblemAlert error={activity.error} />
      {activity.isPending ? <PageLoader /> : null}
      {activity.data ? (
        <>
          <Stack gap={4}>
            <Title order={2} size="h4">
              Address to publish
            </Title>
            <Group gap="sm">
              <Anchor href={activity.data.url} target="_blank" rel="noopener" data-testid="portal-url">
                {activity.data.url}
              </Anchor>
              <CopyButton value={activity.data.url}>
                {({ copied, copy }) => (
                  <Button size="xs" variant="default" onClick={copy}>
                    {copied ? 'Copied' : 'Copy'}
                  </Button>
                )}
              </CopyButton>
            </Group>
            <Text size="sm" c="dimmed">
              Link it from your privacy notice and website footer. It answers the same way whether or not you
              hold data about an address.
            </Text>
          </Stack>
          <Group justify="space-between" align="flex-end">
            <Title order={2} size="h4">
              Activity since {formatDateTime(activity.data.since)}
            </Title>
            <SegmentedControl
              aria-label="Period"
              value={days}
              onChange={setDays}
              data={[
                { value: '7', label: '7 days' },
                { value: '30', label: '30 days' },
                { value: '90', label: '90 days' },
              ]}
            />
          </Group>
          <Table striped withTableBorder data-testid="portal-activity">
            <Table.Tbody>
              {rows.map((row) => (
                <Table.Tr key={row.key}>
                  <Table.Th scope="row">{row.label}</Table.Th>
                  <Table.Td>{activity.data[row.key]}</Table.Td>
                  <Table.Td>
                    <Text size="sm" c="dimmed">
                      {row.hint}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </>
      ) : null}
    </Stack>
  );
}
