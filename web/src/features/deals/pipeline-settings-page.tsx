import { ActionIcon, Badge, Button, Group, NumberInput, Paper, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { isApiError } from '../../api/api-error.ts';
import { PageHeader } from '../../app/page-header.tsx';
import { PageLoader } from '../../app/page-loader.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { dealsQueryKey, ifMatch, pipelinesQueryKey, type Pipeline, type Stage } from './deals-query.ts';
import { usePipelines } from './pipeline-select.tsx';

const kinds = [
  { value: 'open', label: 'Open' },
  { value: 'won', label: 'Won' },
  { value: 'lost', label: 'Lost' },
];
type Kind = Stage['kind'];

/** One pipeline's stages: rename, probability, kind, order, remove (moving its deals), add. */
function PipelineEditor({ pipeline }: { pipeline: Pipeline }) {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const [newStage, setNewStage] = useState({ name: '', probability: 50 as number | string, kind: 'open' as Kind });
  const [removing, setRemoving] = useState<{ stage: Stage; moveTo: string | null } | null>(null);
  const path = { id: pipeline.id };
  const header = ifMatch(pipeline.version);
  const done = () => Promise.all([queryClient.invalidateQueries({ queryKey: pipelinesQueryKey }), queryClient.invalidateQueries({ queryKey: dealsQueryKey })]);
  const change = useMutation({
    mutationFn: (work: () => Promise<unknown>) => work(),
    onSuccess: async () => {
      setRemoving(null);
      await done();
    },
  });
  const order = pipeline.stages.map((s) => s.id);
  const swap = (i: number, j: number) => {
    const next = [...order];
    [next[i], next[j]] = [next[j] as string, next[i] as string];
    change.mutate(() => body(api.PUT('/api/v1/pipelines/{id}/stage-order', { params: { path, header }, body: { stageIds: next } })));
  };
  const holdsDeals = isApiError(change.error) && change.error.status === 409 && removing !== null;
  return (
    <Paper withBorder p="md">
      <Group justify="space-between" mb="sm">
        <Group gap="xs">
          <Title order={2} size="h4">
            {pipeline.name}
          </Title>
          {pipeline.isDefault ? <Badge variant="light">Default</Badge> : null}
        </Group>
        {!pipeline.isDefault ? (
          <Button size="xs" variant="default" onClick={() => change.mutate(() => body(api.PATCH('/api/v1/pipelines/{id}', { params: { path, header }, body: { isDefault: true } })))}>
            Make default
          </Button>
        ) : null}
      </Group>
      {holdsDeals ? null : <ProblemAlert error={change.error} />}
      <Table aria-label={`Stages of ${pipeline.name}`} verticalSpacing="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Stage</Table.Th>
            <Table.Th w={120}>Probability</Table.Th>
            <Table.Th w={120}>Kind</Table.Th>
            <Table.Th w={200}>Actions</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {pipeline.stages.map((stage, i) => (
            <Table.Tr key={stage.id}>
              <Table.Td>
                <TextInput
                  aria-label="Stage name"
                  defaultValue={stage.name}
                  maxLength={100}
                  onBlur={(e) => {
                    const name = e.currentTarget.value.trim();
                    if (name && name !== stage.name) change.mutate(() => body(api.PATCH('/api/v1/pipelines/{id}/stages/{stageId}', { params: { path: { ...path, stageId: stage.id }, header }, body: { name } })));
                  }}
                />
              </Table.Td>
              <Table.Td>
                <NumberInput
                  aria-label="Probability"
                  min={0}
                  max={100}
                  defaultValue={stage.probability}
                  onBlur={(e) => {
                    const probability = Number(e.currentTarget.value);
                    if (Number.isInteger(probability) && probability !== stage.probability && probability >= 0 && probability <= 100)
                      change.mutate(() => body(api.PATCH('/api/v1/pipelines/{id}/stages/{stageId}', { params: { path: { ...path, stageId: stage.id }, header }, body: { probability } })));
                  }}
                />
              </Table.Td>
              <Table.Td>
                <Select
                  aria-label="Kind"
                  allowDeselect={false}
                  data={kinds}
                  value={stage.kind}
                  onChange={(kind) => kind && kind !== stage.kind && change.mutate(() => body(api.PATCH('/api/v1/pipelines/{id}/stages/{stageId}', { params: { path: { ...path, stageId: stage.id }, header }, body: { kind: kind as Kind } })))}
                />
              </Table.Td>
              <Table.Td>
                <Group gap={4}>
                  <ActionIcon variant="default" aria-label={`Move ${stage.name} up`} disabled={i === 0} onClick={() => swap(i, i - 1)}>
                    ↑
                  </ActionIcon>
                  <ActionIcon variant="default" aria-label={`Move ${stage.name} down`} disabled={i === order.length - 1} onClick={() => swap(i, i + 1)}>
                    ↓
                  </ActionIcon>
                  <Button
                    size="xs"
                    variant="subtle"
                    color="red"
                    onClick={() => {
                      setRemoving({ stage, moveTo: null });
                      change.mutate(() => body(api.DELETE('/api/v1/pipelines/{id}/stages/{stageId}', { params: { path: { ...path, stageId: stage.id }, header, query: {} } })));
                    }}
                  >
                    Remove
                  </Button>
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {holdsDeals && removing ? (
        <Group align="flex-end" mt="sm">
          <Text size="sm">“{removing.stage.name}” holds deals. Move them to:</Text>
          <Select
            aria-label="Move deals to"
            data={pipeline.stages.filter((s) => s.id !== removing.stage.id).map((s) => ({ value: s.id, label: s.name }))}
            value={removing.moveTo}
            onChange={(moveTo) => setRemoving({ ...removing, moveTo })}
          />
          <Button
            color="red"
            disabled={!removing.moveTo}
            onClick={() =>
              change.mutate(() =>
                body(api.DELETE('/api/v1/pipelines/{id}/stages/{stageId}', { params: { path: { ...path, stageId: removing.stage.id }, header, query: { moveDealsTo: removing.moveTo ?? '' } } })),
              )
            }
          >
            Move deals and remove
          </Button>
        </Group>
      ) : null}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const probability = Number(newStage.probability);
          if (!newStage.name.trim()) return;
          change.mutate(async () => {
            await body(api.POST('/api/v1/pipelines/{id}/stages', { params: { path, header }, body: { name: newStage.name.trim(), probability, kind: newStage.kind } }));
            setNewStage({ name: '', probability: 50, kind: 'open' });
          });
        }}
      >
        <Group align="flex-end" mt="md">
          <TextInput label="New stage" maxLength={100} value={newStage.name} onChange={(e) => setNewStage({ ...newStage, name: e.currentTarget.value })} />
          <NumberInput label="Probability" min={0} max={100} w={110} value={newStage.probability} onChange={(probability) => setNewStage({ ...newStage, probability })} />
          <Select label="Kind" w={110} allowDeselect={false} data={kinds} value={newStage.kind} onChange={(kind) => kind && setNewStage({ ...newStage, kind: kind as Kind })} />
          <Button type="submit" variant="light">
            Add stage
          </Button>
        </Group>
      </form>
    </Paper>
  );
}

/** Pipeline settings (`crm:configure`): every pipeline with its stages, and a new pipeline. */
export function PipelineSettingsPage() {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const pipelines = usePipelines();
  const [name, setName] = useState('');
  const create = useMutation({
    mutationFn: () =>
      body(
        api.POST('/api/v1/pipelines', {
          body: {
            name: name.trim(),
            stages: [
              { name: 'New', probability: 10, kind: 'open' },
              { name: 'Won', probability: 100, kind: 'won' },
              { name: 'Lost', probability: 0, kind: 'lost' },
            ],
          },
        }),
      ),
    onSuccess: async () => {
      setName('');
      await queryClient.invalidateQueries({ queryKey: pipelinesQueryKey });
    },
  });
  return (
    <>
      <PageHeader title="Pipelines" description="The stages deals move through. A stage that holds deals is removed only after moving them." />
      <Stack>
        <ProblemAlert error={pipelines.error ?? create.error} />
        {pipelines.isPending ? <PageLoader /> : (pipelines.data ?? []).map((p) => <PipelineEditor key={`${p.id}:${p.version}`} pipeline={p} />)}
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (name.trim()) create.mutate();
          }}
        >
          <Group align="flex-end">
            <TextInput label="New pipeline" maxLength={100} value={name} onChange={(e) => setName(e.currentTarget.value)} />
            <Button type="submit" loading={create.isPending}>
              Create pipeline
            </Button>
          </Group>
        </form>
      </Stack>
    </>
  );
}
