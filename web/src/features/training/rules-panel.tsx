import { Button, Group, NumberInput, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { PageLoader } from '../../app/page-loader.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { useSession } from '../../app/session.tsx';
import { trainingQueryKey, type TrainingModule } from './training-query.ts';

/**
 * Assignments by role: which module every user of a role must complete, within how many days. Adding one assigns it
 * at once to the role's users (and later to those who join the role).
 *
 * @example
 * <RulesPanel modules={modules} canWrite />
 */
export function RulesPanel({ modules, canWrite }: { modules: readonly TrainingModule[]; canWrite: boolean }) {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const session = useSession();
  const canReadRoles = session.status === 'signed-in' && session.permissions.has('roles:read');
  const [moduleId, setModuleId] = useState<string | null>(null);
  const [roleKey, setRoleKey] = useState<string>('');
  const [days, setDays] = useState<number>(30);
  const rules = useQuery({ queryKey: [...trainingQueryKey, 'rules'], queryFn: () => body(api.GET('/api/v1/training/rules')) });
  const roles = useQuery({ queryKey: ['roles'], queryFn: () => body(api.GET('/api/v1/roles')), enabled: canReadRoles });
  const add = useMutation({
    mutationFn: () => body(api.POST('/api/v1/training/rules', { body: { moduleId: moduleId ?? '', roleKey, dueInDays: days } })),
    onSuccess: async (r) => {
      notifications.show({ color: 'green', message: `Assigned to ${r.rule.roleName}: ${r.assigned} user(s) now.` });
      add.reset();
      await queryClient.invalidateQueries({ queryKey: trainingQueryKey });
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) => body(api.DELETE('/api/v1/training/rules/{id}', { params: { path: { id } } })),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: trainingQueryKey });
    },
  });
  const items = rules.data?.items ?? [];

  return (
    <Stack>
      {canWrite ? (
        <form
          aria-label="Assign a module to a role"
          onSubmit={(e) => {
            e.preventDefault();
            add.mutate();
          }}
        >
          <Group align="flex-end">
            <Select
              label="Module"
              placeholder="Choose a module"
              data={modules.filter((m) => m.active).map((m) => ({ value: m.id, label: m.title }))}
              value={moduleId}
              onChange={setModuleId}
              required
              w={320}
            />
            {canReadRoles ? (
              <Select
                label="Role"
                placeholder="Choose a role"
                data={(roles.data?.items ?? []).map((r) => ({ value: r.key, label: r.name }))}
                value={roleKey || null}
                onChange={(v) => setRoleKey(v ?? '')}
                required
                w={220}
              />
            ) : (
              <TextInput label="Role key" value={roleKey} onChange={(e) => setRoleKey(e.currentTarget.value)} required w={220} />
            )}
            <NumberInput label="Due in (days)" min={1} max={730} value={days} onChange={(v) => setDays(typeof v === 'number' ? v : Number(v))} w={140} />
            <Button type="submit" loading={add.isPending}>
              Assign
            </Button>
          </Group>
        </form>
      ) : null}
      <ProblemAlert error={add.error} />
      <ProblemAlert error={rules.error ?? remove.error} />
      {rules.isPending ? (
        <PageLoader />
      ) : items.length === 0 ? (
        <Text>No module is assigned to a role yet.</Text>
      ) : (
        <Table striped verticalSpacing="sm" aria-label="Assignments by role">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Module</Table.Th>
              <Table.Th>Role</Table.Th>
              <Table.Th>Due within</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((r) => (
              <Table.Tr key={r.id}>
                <Table.Td>{r.moduleTitle}</Table.Td>
                <Table.Td>{r.roleName}</Table.Td>
                <Table.Td>{r.dueDays} days</Table.Td>
                <Table.Td>
                  {canWrite ? (
                    <Button size="compact-sm" variant="subtle" color="red" onClick={() => remove.mutate(r.id)} aria-label={`Stop assigning ${r.moduleTitle} to ${r.roleName}`}>
                      Remove
                    </Button>
                  ) : null}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
