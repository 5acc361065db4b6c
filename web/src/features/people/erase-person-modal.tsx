import { Alert, Anchor, Button, Checkbox, Code, Group, List, Modal, Stack, Table, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { useApi } from '../../api/api-context.tsx';
import { formatDateTime } from '../../app/format-date-time.ts';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { useSession } from '../../app/session.tsx';
import { purposeHeaders, withAppliedPurpose, type Certificate } from './people-query.ts';

/**
 * Erases a person after a confirmation that says what will happen (irreversible crypto-shredding), then shows the
 * certificate of erasure the pipeline issued.
 *
 * @example
 * <ErasePersonModal personId={id} opened purpose="crm" onClose={close} onErased={stopReading} />
 */
export function ErasePersonModal({
  personId,
  opened,
  purpose,
  onClose,
  onErased,
}: {
  personId: string;
  opened: boolean;
  purpose: string | null;
  /** Closed without erasing, or after reading the certificate. */
  onClose: (erased: boolean) => void;
  /** The person is gone: stop reading them. */
  onErased: (certificate: Certificate) => void;
}) {
  const { api } = useApi();
  const session = useSession();
  const canReadCertificates = session.status === 'signed-in' && session.permissions.has('privacy:read');
  const [understood, setUnderstood] = useState(false);
  const erase = useMutation({
    mutationFn: () =>
      withAppliedPurpose(
        api.DELETE('/api/v1/people/{id}', {
          params: { path: { id: personId } },
          headers: purposeHeaders(purpose),
        }),
      ),
    onSuccess: ({ data }) => onErased(data),
  });
  const certificate = erase.data?.data;
  const close = () => {
    setUnderstood(false);
    onClose(certificate !== undefined);
  };

  return (
    <Modal
      opened={opened}
      onClose={close}
      title={certificate ? 'Certificate of erasure' : 'Erase this person?'}
      size="lg"
      closeOnClickOutside={!erase.isPending}
    >
      {certificate ? (
        <Stack>
          <Alert color="green" title="The person was erased" data-testid="erasure-done">
            Their data key was destroyed: what remains of their values in the database and in backups can no
            longer be decrypted.
          </Alert>
          <Table aria-label="Certificate of erasure" withRowBorders={false} verticalSpacing={4}>
            <Table.Tbody>
              <Table.Tr>
                <Table.Th w={160}>Certificate</Table.Th>
                <Table.Td>
                  <Code data-testid="certificate-id">{certificate.id}</Code>
                </Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>Issued</Table.Th>
                <Table.Td>{formatDateTime(certificate.issuedAt)}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>Subject</Table.Th>
                <Table.Td>
                  <Code>{certificate.subjectPseudonym}</Code> (pseudonym)
                </Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>Destroyed key</Table.Th>
                <Table.Td>
                  <Code>{certificate.keyId ?? '—'}</Code>
                </Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>Scope</Table.Th>
                <Table.Td>{certificate.scope.fields.join(', ')}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>Steps done</Table.Th>
                <Table.Td>
                  <List size="sm">
                    {certificate.steps.map((s) => (
                      <List.Item key={s}>{s}</List.Item>
                    ))}
                  </List>
                </Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>Kept</Table.Th>
                <Table.Td>
                  {certificate.kept.length === 0
                    ? 'Nothing'
                    : certificate.kept.map((k) => (
                        <Text size="sm" key={`${k.eraser}:${k.category}`}>
                          {k.category}: {k.count} kept until {formatDateTime(k.until)} ({k.reason})
                        </Text>
                      ))}
                </Table.Td>
              </Table.Tr>
            </Table.Tbody>
          </Table>
          <Group justify="flex-end">
            {canReadCertificates ? (
              <Anchor component={Link} to={`/erasure/${certificate.id}`}>
                Open the signed certificate
              </Anchor>
            ) : null}
            <Button onClick={close}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <Stack>
          <ProblemAlert error={erase.error} />
          <Text size="sm">Erasure runs the erasure pipeline, in this order:</Text>
          <List size="sm" spacing={4}>
            <List.Item>
              Legal holds and the Art. 17(3) exceptions are checked; only what the law requires is kept, with
              the reason.
            </List.Item>
            <List.Item>
              Everything that refers to the person is removed or anonymised, and their lookup (blind-index)
              entries are deleted.
            </List.Item>
            <List.Item>
              Their data key is destroyed (crypto-shredding): every value encrypted under it, in the database
              and in every backup, becomes unreadable for good.
            </List.Item>
            <List.Item>
              A suppression entry (a keyed hash, not the address) stops them being silently re-created or
              re-mailed.
            </List.Item>
            <List.Item>
              A certificate of erasure, without personal data, is issued and the erasure is audited.
            </List.Item>
          </List>
          <Alert color="red" title="This cannot be undone">
            Once the key is destroyed nobody, including Custodian’s operators, can recover this person’s data.
          </Alert>
          <Checkbox
            label="I understand that this erasure is irreversible"
            checked={understood}
            onChange={(e) => setUnderstood(e.currentTarget.checked)}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close} disabled={erase.isPending}>
              Cancel
            </Button>
            <Button
              color="red"
              disabled={!understood}
              loading={erase.isPending}
              onClick={() => erase.mutate()}
            >
              Erase permanently
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
