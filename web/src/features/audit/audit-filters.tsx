import { Button, Group, Paper, Select, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import type { QueryOf } from '../../api/api-types.ts';

/** The filters of the audit log as the form holds them (dates as `YYYY-MM-DD`). */
export interface AuditFilterValues {
  readonly action: string;
  readonly actorId: string;
  readonly outcome: string;
  readonly from: string;
  readonly to: string;
}

export const emptyAuditFilters: AuditFilterValues = {
  action: '',
  actorId: '',
  outcome: '',
  from: '',
  to: '',
};

/** The filter part of the audit query (the page size and cursor are the list's business). */
type AuditQuery = Omit<QueryOf<'/api/v1/audit', 'get'>, 'limit' | 'cursor'>;

/**
 * The query of `GET /audit` for the filters: dates become the start of `from` and the end of `to` (UTC).
 *
 * @example
 * toAuditQuery({ ...emptyAuditFilters, action: 'user.create' }); // { action: 'user.create' }
 */
export function toAuditQuery(filters: AuditFilterValues): AuditQuery {
  const query: AuditQuery = {};
  if (filters.action.trim()) query.action = filters.action.trim();
  if (filters.actorId) query.actorId = filters.actorId;
  if (filters.outcome) query.outcome = filters.outcome as NonNullable<AuditQuery['outcome']>;
  if (filters.from) query.from = new Date(`${filters.from}T00:00:00.000Z`).toISOString();
  if (filters.to) query.to = new Date(`${filters.to}T23:59:59.999Z`).toISOString();
  return query;
}

/** The filter bar: applied on submit, so typing does not send a request per key. */
export function AuditFilters({
  value,
  onChange,
  actors,
}: {
  value: AuditFilterValues;
  onChange: (filters: AuditFilterValues) => void;
  actors: { value: string; label: string }[];
}) {
  const form = useForm({
    initialValues: { ...value },
    validate: {
      to: (to, values) => (to && values.from && to < values.from ? 'Ends before it starts' : null),
    },
  });
  return (
    <Paper
      component="form"
      withBorder
      p="sm"
      bg="gray.0"
      onSubmit={form.onSubmit((values) => onChange(values))}
      aria-label="Filter the audit log"
    >
      <Group align="flex-end" gap="sm" wrap="wrap">
        <TextInput
          label="Action"
          placeholder="e.g. user.create"
          w={160}
          maxLength={100}
          {...form.getInputProps('action')}
        />
        <Select
          label="Actor"
          placeholder="Anyone"
          data={actors}
          searchable
          clearable
          w={190}
          {...form.getInputProps('actorId')}
          value={form.values.actorId || null}
          onChange={(v) => form.setFieldValue('actorId', v ?? '')}
        />
        <Select
          label="Outcome"
          placeholder="Any"
          data={[
            { value: 'allowed', label: 'Allowed' },
            { value: 'denied', label: 'Denied' },
            { value: 'failed', label: 'Failed' },
          ]}
          clearable
          w={120}
          {...form.getInputProps('outcome')}
          value={form.values.outcome || null}
          onChange={(v) => form.setFieldValue('outcome', v ?? '')}
        />
        <TextInput label="From" type="date" w={150} {...form.getInputProps('from')} />
        <TextInput label="To" type="date" w={150} {...form.getInputProps('to')} />
        <Button type="submit">Apply filters</Button>
        <Button
          variant="subtle"
          onClick={() => {
            form.setValues(emptyAuditFilters);
            onChange(emptyAuditFilters);
          }}
        >
          Clear
        </Button>
      </Group>
    </Paper>
  );
}
