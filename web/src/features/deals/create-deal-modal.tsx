import { Button, Group, Modal, NumberInput, Select, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { useSession } from '../../app/session.tsx';
import { dealsQueryKey, toMinorUnits, type NewDeal, type Pipeline } from './deals-query.ts';
import { OrganizationSelect } from './organization-select.tsx';

/** Creates a deal in a pipeline (first stage unless another is chosen). */
export function CreateDealModal({ opened, onClose, pipeline }: { opened: boolean; onClose: () => void; pipeline: Pipeline | null }) {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const session = useSession();
  const form = useForm({
    initialValues: { title: '', amount: '' as number | string, currency: 'EUR', expectedCloseDate: '', stageId: '', organizationId: null as string | null },
    validate: {
      title: (v) => (v.trim() ? null : 'Enter a title'),
      currency: (v) => (/^[A-Za-z]{3}$/.test(v.trim()) ? null : 'Three letters, such as EUR'),
      amount: (v, values) => (v === '' || toMinorUnits(v, values.currency) !== null ? null : 'Enter a positive amount'),
      expectedCloseDate: (v) => (v === '' || /^\d{4}-\d{2}-\d{2}$/.test(v) ? null : 'Use YYYY-MM-DD'),
    },
  });
  const create = useMutation({
    mutationFn: (values: typeof form.values) => {
      const currency = values.currency.trim().toUpperCase();
      const request: NewDeal = { title: values.title.trim(), currency };
      if (values.amount !== '') request.amount = toMinorUnits(values.amount, currency) ?? 0;
      if (values.expectedCloseDate) request.expectedCloseDate = values.expectedCloseDate;
      if (pipeline) request.pipelineId = pipeline.id;
      if (values.stageId) request.stageId = values.stageId;
      if (values.organizationId) request.organizationId = values.organizationId;
      // The deal is owned by whoever creates it; the owner can be changed through the API.
      if (session.status === 'signed-in') request.ownerUserId = session.me.id;
      return body(api.POST('/api/v1/deals', { body: request }));
    },
    onSuccess: async () => {
      notifications.show({ color: 'green', message: 'Deal created.' });
      form.reset();
      create.reset();
      onClose();
      await queryClient.invalidateQueries({ queryKey: dealsQueryKey });
    },
  });
  return (
    <Modal opened={opened} onClose={onClose} title="New deal">
      <form onSubmit={form.onSubmit((values) => create.mutate(values))} noValidate>
        <Stack>
          <ProblemAlert error={create.error} />
          <TextInput label="Title" required maxLength={200} data-autofocus {...form.getInputProps('title')} />
          <Group grow>
            <NumberInput label="Amount" min={0} decimalScale={2} thousandSeparator="," {...form.getInputProps('amount')} />
            <TextInput label="Currency" maxLength={3} {...form.getInputProps('currency')} />
          </Group>
          <TextInput label="Expected close date" type="date" {...form.getInputProps('expectedCloseDate')} />
          <Select
            label="Stage"
            placeholder={pipeline?.stages[0]?.name ?? 'First stage'}
            data={(pipeline?.stages ?? []).map((s) => ({ value: s.id, label: s.name }))}
            clearable
            {...form.getInputProps('stageId')}
          />
          <OrganizationSelect value={form.values.organizationId} onChange={(id) => form.setFieldValue('organizationId', id)} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Create deal
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
