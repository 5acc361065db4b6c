import { Alert, Anchor, Badge, Code, List, Paper, Stack, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { formatDateTime } from '../../app/format-date-time.ts';
import { PageHeader } from '../../app/page-header.tsx';
import { PageLoader } from '../../app/page-loader.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { certificatesQueryKey, triggerLabels } from './erasure-query.ts';

/** One certificate of erasure, with whether its signature verifies. */
export function CertificatePage() {
  const { id = '' } = useParams();
  const { api } = useApi();
  const certificate = useQuery({
    queryKey: [...certificatesQueryKey, id],
    queryFn: () => body(api.GET('/api/v1/erasure-certificates/{id}', { params: { path: { id } } })),
  });
  const c = certificate.data;
  return (
    <>
      <PageHeader
        title="Certificate of erasure"
        description={
          <Anchor component={Link} to="/erasure" size="sm">
            ← All certificates
          </Anchor>
        }
      />
      <Stack>
        <ProblemAlert error={certificate.error} />
        {certificate.isPending ? <PageLoader /> : null}
        {c ? (
          <>
            {c.verified ? (
              <Alert color="green" title="Signature verifies" data-testid="certificate-verified">
                The certificate is as the server issued it.
              </Alert>
            ) : (
              <Alert color="red" title="Signature does not verify">
                The certificate was altered after it was issued, or was signed with another key.
              </Alert>
            )}
            <Paper withBorder p="md" radius="md">
              <Table withRowBorders={false} verticalSpacing={6} aria-label="Certificate">
                <Table.Tbody>
                  <Table.Tr>
                    <Table.Th w={180}>Certificate</Table.Th>
                    <Table.Td>
                      <Code data-testid="certificate-id">{c.id}</Code>
                    </Table.Td>
                  </Table.Tr>
                  <Table.Tr>
                    <Table.Th>Issued</Table.Th>
                    <Table.Td>{formatDateTime(c.issuedAt)}</Table.Td>
                  </Table.Tr>
                  <Table.Tr>
                    <Table.Th>Trigger</Table.Th>
                    <Table.Td>{triggerLabels[c.trigger]}</Table.Td>
                  </Table.Tr>
                  <Table.Tr>
                    <Table.Th>Subject (pseudonym)</Table.Th>
                    <Table.Td>
                      <Code>{c.subjectPseudonym}</Code>
                    </Table.Td>
                  </Table.Tr>
                  <Table.Tr>
                    <Table.Th>Destroyed data key</Table.Th>
                    <Table.Td>
                      <Code>{c.keyId ?? '—'}</Code>
                    </Table.Td>
                  </Table.Tr>
                  <Table.Tr>
                    <Table.Th>Scope</Table.Th>
                    <Table.Td>
                      {c.scope.entity}: {c.scope.fields.join(', ')}
                      {c.scope.erasers.length > 0 ? (
                        <Text size="xs" c="dimmed">
                          Erasers: {c.scope.erasers.join(', ')}
                        </Text>
                      ) : null}
                    </Table.Td>
                  </Table.Tr>
                  <Table.Tr>
                    <Table.Th>Steps done</Table.Th>
                    <Table.Td>
                      <List size="sm" type="ordered">
                        {c.steps.map((s) => (
                          <List.Item key={s}>{s}</List.Item>
                        ))}
                      </List>
                    </Table.Td>
                  </Table.Tr>
                  <Table.Tr>
                    <Table.Th>Kept by law</Table.Th>
                    <Table.Td>
                      {c.kept.length === 0 ? (
                        'Nothing'
                      ) : (
                        <Stack gap={4}>
                          {c.kept.map((k) => (
                            <Text size="sm" key={`${k.eraser}:${k.category}:${k.purpose}`}>
                              <Badge miw="max-content" size="xs" variant="light" mr={6}>
                                {k.exception}
                              </Badge>
                              {k.count} × {k.category} for {k.purpose}, until {formatDateTime(k.until)}:{' '}
                              {k.reason}
                            </Text>
                          ))}
                        </Stack>
                      )}
                    </Table.Td>
                  </Table.Tr>
                  <Table.Tr>
                    <Table.Th>Signature</Table.Th>
                    <Table.Td>
                      <Code style={{ wordBreak: 'break-all' }}>{c.signature}</Code>
                    </Table.Td>
                  </Table.Tr>
                </Table.Tbody>
              </Table>
            </Paper>
          </>
        ) : null}
      </Stack>
    </>
  );
}
