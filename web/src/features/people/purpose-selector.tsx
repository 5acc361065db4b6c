import { Badge, Group, Select, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { useSession } from '../../app/session.tsx';

const roleDefault = '__role_default__';

/**
 * Chooses the purpose of the processing (sent as the `Custodian-Purpose` header) and shows the one the server applied.
 *
 * @example
 * <PurposeSelector value={purpose} onChange={setPurpose} applied={appliedPurpose} />
 */
export function PurposeSelector({
  value,
  onChange,
  applied,
}: {
  /** The chosen purpose key; null for the role's default. */
  value: string | null;
  onChange: (purpose: string | null) => void;
  /** The purpose the server applied to the last answer. */
  applied: string | null | undefined;
}) {
  const { api } = useApi();
  const session = useSession();
  const canRead = session.status === 'signed-in' && session.permissions.has('purposes:read');
  const purposes = useQuery({
    queryKey: ['purposes'],
    queryFn: () => body(api.GET('/api/v1/purposes')),
    enabled: canRead,
  });
  const options = [
    { value: roleDefault, label: 'Default purpose of my role' },
    ...(purposes.data?.items ?? [])
      .filter((p) => p.active || p.key === value)
      .map((p) => ({ value: p.key, label: `${p.name} (${p.key})` })),
  ];
  const appliedName = purposes.data?.items.find((p) => p.key === applied)?.name;
  return (
    <Group align="flex-end" gap="md" wrap="wrap">
      <Select
        label="Purpose of processing"
        description="Sent with every request on personal data; recorded in the audit log"
        data={options}
        value={value ?? roleDefault}
        onChange={(next) => onChange(next === roleDefault || next === null ? null : next)}
        allowDeselect={false}
        w={320}
      />
      <Group gap={6} mb={4} aria-live="polite">
        <Text size="sm" c="dimmed">
          Applied purpose:
        </Text>
        {applied ? (
          <Badge miw="max-content" variant="light" data-testid="applied-purpose" title={appliedName}>
            {applied}
          </Badge>
        ) : (
          <Text size="sm">—</Text>
        )}
      </Group>
    </Group>
  );
}
