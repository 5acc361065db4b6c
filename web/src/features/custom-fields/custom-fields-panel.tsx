import { Button, Group, MultiSelect, NumberInput, Select, Stack, Switch, Table, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { isApiError } from '../../api/api-error.ts';
import { PageLoader } from '../../app/page-loader.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { useSession } from '../../app/session.tsx';
import {
  customFieldsQueryKey,
  formatCustomValue,
  valuesPath,
  type CustomField,
  type CustomFieldEntity,
  type CustomValue,
} from './custom-fields-query.ts';

type Draft = Record<string, CustomValue | null>;

/** One input per field type; empty means "remove the value". */
function ValueInput({ field, value, onChange }: { field: CustomField; value: CustomValue | null | undefined; onChange: (v: CustomValue | null) => void }) {
  const label = field.label;
  switch (field.type) {
    case 'boolean':
      return <Switch label={label} checked={value === true} onChange={(e) => onChange(e.currentTarget.checked)} />;
    case 'number':
      return <NumberInput label={label} value={typeof value === 'number' ? value : ''} onChange={(v) => onChange(typeof v === 'number' ? v : null)} />;
    case 'select':
      return <Select label={label} data={field.options} clearable value={typeof value === 'string' ? value : null} onChange={(v) => onChange(v)} />;
    case 'multi_select':
      return <MultiSelect label={label} data={field.options} value={Array.isArray(value) ? [...value] : []} onChange={(v) => onChange(v.length > 0 ? v : null)} />;
    default:
      return (
        <TextInput
          label={label}
          type={field.type === 'date' ? 'date' : field.type === 'email' ? 'email' : field.type === 'url' ? 'url' : 'text'}
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => onChange(e.currentTarget.value === '' ? null : e.currentTarget.value)}
        />
      );
  }
}

function CustomFieldsPanel({ entity, recordId }: { entity: CustomFieldEntity; recordId: string }) {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const session = useSession();
  const canWrite = session.status === 'signed-in' && session.permissions.has(entity === 'person' ? 'people:write' : 'crm:write');
  const [draft, setDraft] = useState<Draft | null>(null);
  const definitions = useQuery({
    queryKey: [...customFieldsQueryKey, 'definitions', entity],
    queryFn: () => body(api.GET('/api/v1/custom-fields', { params: { query: { entity } } })),
  });
  const values = useQuery({
    queryKey: [...customFieldsQueryKey, 'values', entity, recordId],
    queryFn: () => body(api.GET(valuesPath(entity), { params: { path: { id: recordId } } })),
  });
  const save = useMutation({
    mutationFn: (changes: Draft) =>
      body(
        api.PUT(valuesPath(entity), {
          params: { path: { id: recordId }, header: { 'if-match': `"${values.data?.version ?? 0}"` } },
          body: { values: changes },
        }),
      ),
    onSuccess: async () => {
      setDraft(null);
      await queryClient.invalidateQueries({ queryKey: [...customFieldsQueryKey, 'values', entity, recordId] });
    },
  });
  if (definitions.isPending || values.isPending) return <PageLoader />;
  const current = values.data?.values ?? {};
  const fields = (definitions.data?.items ?? []).filter((f) => !f.archived || current[f.key] !== undefined);
  if (definitions.error || values.error) return <ProblemAlert error={definitions.error ?? values.error} />;
  if (fields.length === 0) return <Text c="dimmed">No custom fields defined.</Text>;
  const stale = isApiError(save.error) && save.error.status === 412;

  if (draft) {
    const editable = fields.filter((f) => !f.archived);
    return (
      <form
        onSubmit={(e) => {
          e.preventDefault();
          // Only what changed is sent: a field the request's purpose does not serve stays untouched.
          const changes = Object.fromEntries(Object.entries(draft).filter(([k, v]) => JSON.stringify(v ?? null) !== JSON.stringify(current[k] ?? null)));
          if (Object.keys(changes).length === 0) setDraft(null);
          else save.mutate(changes);
        }}
      >
        <Stack gap="sm">
          {editable.map((f) => (
            <ValueInput key={f.id} field={f} value={draft[f.key] ?? null} onChange={(v) => setDraft({ ...draft, [f.key]: v })} />
          ))}
          {stale ? (
            <Text c="red" role="alert">
              These values changed since you read them: reload to see the current ones.
            </Text>
          ) : (
            <ProblemAlert error={save.error} />
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setDraft(null)}>
              Cancel
            </Button>
            {stale ? (
              <Button variant="default" onClick={() => void values.refetch().then(() => save.reset())}>
                Reload
              </Button>
            ) : null}
            <Button type="submit" loading={save.isPending}>
              Save custom fields
            </Button>
          </Group>
        </Stack>
      </form>
    );
  }
  return (
    <Stack gap="xs">
      <Table verticalSpacing={4} aria-label="Custom fields">
        <Table.Tbody>
          {fields.map((f) => (
            <Table.Tr key={f.id}>
              <Table.Th w="40%">{f.label}</Table.Th>
              <Table.Td>{formatCustomValue(current[f.key])}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {canWrite ? (
        <Group justify="flex-end">
          <Button size="xs" variant="default" onClick={() => setDraft({ ...current })}>
            Edit custom fields
          </Button>
        </Group>
      ) : null}
    </Stack>
  );
}

/** Record panel "Custom fields" of a person (values decrypted by the server under the request's purpose). */
export function PersonCustomFieldsPanel({ recordId }: { recordId: string }) {
  return <CustomFieldsPanel entity="person" recordId={recordId} />;
}

/** Record panel "Custom fields" of an organization. */
export function OrganizationCustomFieldsPanel({ recordId }: { recordId: string }) {
  return <CustomFieldsPanel entity="organization" recordId={recordId} />;
}

/** Record panel "Custom fields" of a deal. */
export function DealCustomFieldsPanel({ recordId }: { recordId: string }) {
  return <CustomFieldsPanel entity="deal" recordId={recordId} />;
}
