import { Alert, Button, Group, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';

/** Recomputes the hash chain and the signed checkpoints on demand and says whether the log is intact. */
export function AuditVerifyPanel() {
  const { api } = useApi();
  const verify = useMutation({ mutationFn: () => body(api.GET('/api/v1/audit/verify')) });
  const result = verify.data;
  return (
    <Group align="flex-start" gap="md">
      <Button variant="light" onClick={() => verify.mutate()} loading={verify.isPending}>
        Verify the chain
      </Button>
      <div style={{ flex: 1 }}>
        <ProblemAlert error={verify.error} />
        {result ? (
          result.ok ? (
            <Alert color="green" title="The audit log is intact" role="status" py="xs">
              <Text size="sm">
                {result.entries} entries and their checkpoints verify.
              </Text>
            </Alert>
          ) : (
            <Alert color="red" title="The audit log does not verify" role="alert" py="xs">
              <Text size="sm">
                First bad entry: {result.firstBadSeq ?? 'unknown'}
                {result.reason ? ` (${result.reason})` : ''}.
              </Text>
            </Alert>
          )
        ) : null}
      </div>
    </Group>
  );
}
