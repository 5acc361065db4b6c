import { Button, Group, Select, Stack, Switch, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { actionLabels, startEventLabels, type RetentionPolicy } from './retention-query.ts';

type StartEvent = RetentionPolicy['startEvent'];
type Action = RetentionPolicy['action'];

/** Creates a retention policy, or replaces one (If-Match with the version shown). */
export function PolicyForm({ policy, onDone }: { policy?: RetentionPolicy; onDone: () => void }) {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const purposes = useQuery({ queryKey: ['purposes'], queryFn: () => body(api.GET('/api/v1/purposes')) });
  const categories = useQuery({
    queryKey: ['catalogue', 'categories'],
    queryFn: () => body(api.GET('/api/v1/catalogue/categories')),
  });
  const [name, setName] = useState(policy?.name ?? '');
  const [period, setPeriod] = useState(policy?.period ?? 'P2Y');
  const [startEvent, setStartEvent] = useState<StartEvent>(policy?.startEvent ?? 'last_activity');
  const [action, setAction] = useState<Action>(policy?.action ?? 'delete');
  const [purpose, setPurpose] = useState<string | null>(policy?.purpose ?? null);
  const [category, setCategory] = useState<string | null>(policy?.category ?? null);
  const [active, setActive] = useState(policy?.active ?? true);
  const save = useMutation({
    mutationFn: () => {
      const input = {
        name,
        period: period.trim().toUpperCase(),
        startEvent,
        action,
        purpose,
        category,
        active,
      };
      return policy
        ? body(
            api.PUT('/api/v1/retention/policies/{id}', {
              params: { path: { id: policy.id }, header: { 'if-match': `"${policy.version}"` } },
              body: input,
            }),
          )
        : body(api.POST('/api/v1/retention/policies', { body: input }));
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['retention'] });
      onDone();
    },
  });
  const purposeItems = (purposes.data?.items ?? []).map((p) => ({
    value: p.key,
    label: `${p.name} (${p.key})`,
  }));
  const categoryItems = (categories.data?.items ?? []).map((c) => ({
    value: c.key,
    label: `${c.name} (${c.key})`,
  }));
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate();
      }}
    >
      <Stack maw={640}>
        <ProblemAlert error={save.error} />
        <TextInput label="Name" required value={name} onChange={(e) => setName(e.currentTarget.value)} />
        <Group grow align="flex-start">
          <TextInput
            label="Period"
            description="ISO 8601: P2Y, P6M, P90D"
            required
            value={period}
            onChange={(e) => setPeriod(e.currentTarget.value)}
          />
          <Select
            label="Counted from"
            required
            allowDeselect={false}
            data={Object.entries(startEventLabels).map(([value, label]) => ({ value, label }))}
            value={startEvent}
            onChange={(v) => v && setStartEvent(v as StartEvent)}
          />
        </Group>
        <Select
          label="Then"
          required
          allowDeselect={false}
          data={Object.entries(actionLabels).map(([value, label]) => ({ value, label }))}
          value={action}
          onChange={(v) => v && setAction(v as Action)}
        />
        <Select
          label="Purpose"
          description={
            startEvent === 'consent_withdrawal'
              ? 'Required: whose consent withdrawal starts the period'
              : 'The purpose the data is kept for (optional)'
          }
          clearable
          searchable
          data={purposeItems}
          value={purpose}
          onChange={setPurpose}
        />
        <Select
          label="Data category"
          description="What the rule is about (optional)"
          clearable
          searchable
          data={categoryItems}
          value={category}
          onChange={setCategory}
        />
        <Switch
          label="Active (the sweep applies it)"
          checked={active}
          onChange={(e) => setActive(e.currentTarget.checked)}
        />
        <Group>
          <Button type="submit" loading={save.isPending}>
            {policy ? 'Save new version' : 'Create policy'}
          </Button>
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
