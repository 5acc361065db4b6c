import { Button, Popover, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';

/** Recomputes the hash chain and the signed checkpoints on demand and says whether the log is intact. */
export function AuditVerifyButton() {
  const { api } = useApi();
  const verify = useMutation({ mutationFn: () => body(api.GET('/api/v1/audit/verify')) });
  const result = verify.data;
  const opened = verify.isSuccess || verify.isError;
  return (
    <Popover opened={opened} onDismiss={() => verify.reset()} position="bottom-end" width={320} withArrow>
      <Popover.Target>
        <Button variant="light" onClick={() => verify.mutate()} loading={verify.isPending}>
          Verify the chain
        </Button>
      </Popover.Target>
      <Popover.Dropdown role="status" aria-live="polite">
        <ProblemAlert error={verify.error} />
        {result ? (
          result.ok ? (
            <Text size="sm" c="green.8" fw={600}>
              Intact: {result.entries} entries and {result.checkpoints} checkpoint
              {result.checkpoints === 1 ? '' : 's'} verify.
            </Text>
          ) : (
            <Text size="sm" c="red.8" fw={600}>
              The log does not verify. First bad entry: {result.firstBadSeq ?? 'unknown'}
              {result.reason ? ` (${result.reason})` : ''}.
            </Text>
          )
        ) : null}
      </Popover.Dropdown>
    </Popover>
  );
}
