import { Button, Group, Modal, Select, SimpleGrid, Stack, TextInput, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { art49Labels, governanceKey, ifMatch, transferToolLabels, type Processor, type Transfer, type TransferBody } from './governance-query.ts';

interface Values {
  processorId: string;
  country: string;
  tool: string;
  sccModule: string;
  art49Derogation: string;
  tiaReference: string;
  supplementaryMeasures: string;
  expiresOn: string;
}

const sccModules = [
  { value: '1', label: 'Module 1 — controller to controller' },
  { value: '2', label: 'Module 2 — controller to processor' },
  { value: '3', label: 'Module 3 — processor to processor' },
  { value: '4', label: 'Module 4 — processor to controller' },
];

/**
 * Records a transfer to a third country — recipient, destination, tool (with its module or derogation), TIA,
 * measures — or changes one (`transfer`, sent with If-Match).
 */
export function TransferModal({
  opened,
  onClose,
  processors,
  initial,
  transfer,
}: {
  opened: boolean;
  onClose: () => void;
  processors: readonly Processor[];
  initial?: { processorId: string; country: string };
  transfer?: Transfer;
}) {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const form = useForm<Values>({
    initialValues: {
      processorId: transfer?.processorId ?? initial?.processorId ?? '',
      country: transfer?.country ?? initial?.country ?? '',
      tool: transfer?.tool ?? '',
      sccModule: transfer?.sccModule ? String(transfer.sccModule) : '',
      art49Derogation: transfer?.art49Derogation ?? '',
      tiaReference: transfer?.tiaReference ?? '',
      supplementaryMeasures: transfer?.supplementaryMeasures ?? '',
      expiresOn: transfer?.expiresOn ?? '',
    },
  });
  const create = useMutation({
    mutationFn: (v: Values) => {
      const b = {
        processorId: v.processorId,
        country: v.country.trim().toUpperCase(),
        tool: v.tool,
        sccModule: v.tool === 'scc' && v.sccModule ? Number(v.sccModule) : null,
        art49Derogation: v.tool === 'art49' && v.art49Derogation ? v.art49Derogation : null,
        tiaReference: v.tiaReference.trim() || null,
        supplementaryMeasures: v.supplementaryMeasures.trim() || null,
        expiresOn: v.expiresOn || null,
      } as TransferBody;
      return transfer
        ? body(api.PUT('/api/v1/governance/transfers/{id}', { body: b, params: { path: { id: transfer.id }, header: ifMatch(transfer.version) } }))
        : body(api.POST('/api/v1/governance/transfers', { body: b }));
    },
    onSuccess: async (t) => {
      notifications.show({ color: 'green', message: `Transfer to ${t.countryName} ${transfer ? 'saved' : 'recorded'}.` });
      await queryClient.invalidateQueries({ queryKey: governanceKey });
      form.reset();
      onClose();
    },
  });
  return (
    <Modal opened={opened} onClose={onClose} title={transfer ? 'Edit transfer' : 'New transfer'} size="lg">
      <form onSubmit={form.onSubmit((v) => create.mutate(v))}>
        <Stack>
          <ProblemAlert error={create.error} />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <Select label="Recipient" required data={processors.map((p) => ({ value: p.id, label: p.name }))} {...form.getInputProps('processorId')} />
            <TextInput label="Destination country" description="ISO 3166-1 alpha-2, outside the EEA" required maxLength={2} {...form.getInputProps('country')} />
          </SimpleGrid>
          <Select label="Transfer tool" required data={Object.entries(transferToolLabels).map(([value, label]) => ({ value, label }))} {...form.getInputProps('tool')} />
          {form.values.tool === 'scc' ? <Select label="SCC module" required data={sccModules} {...form.getInputProps('sccModule')} /> : null}
          {form.values.tool === 'art49' ? (
            <Select label="Derogation" required data={Object.entries(art49Labels).map(([value, label]) => ({ value, label }))} {...form.getInputProps('art49Derogation')} />
          ) : null}
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label="Transfer impact assessment reference" {...form.getInputProps('tiaReference')} />
            <TextInput label="Tool expires on" type="date" {...form.getInputProps('expiresOn')} />
          </SimpleGrid>
          <Textarea label="Supplementary measures" autosize minRows={2} {...form.getInputProps('supplementaryMeasures')} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Save transfer
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
