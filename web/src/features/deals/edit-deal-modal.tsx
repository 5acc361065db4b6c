import { Button, Group, Modal, NumberInput, Stack, TextInput, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { dealsQueryKey, ifMatch, minorDigits, toMinorUnits, type Deal, type DealPatch } from './deals-query.ts';
import { OrganizationSelect } from './organization-select.tsx';

/** Changes a deal's values (sent with If-Match; a concurrent change answers 412 and is shown). */
export function EditDealModal({ deal, opened, onClose }: { deal: Deal; opened: boolean; onClose: () => void }) {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const form = useForm({
    initialValues: {
      title: deal.title,
      amount: deal.amount / 10 ** minorDigits(deal.currency) as number | string,
      currency: deal.currency,
      expectedCloseDate: deal.expectedCloseDate ?? '',
      organizationId: deal.organizationId,
      closeReason: deal.closeReason ?? '',
    },
    validate: {
      title: (v) => (v.trim() ? null : 'Enter a title'),
      amount: (v, values) => (toMinorUnits(v, values.currency) !== null ? null : 'Enter a positive amount'),
    },
  });
  const save = useMutation({
    mutationFn: (values: typeof form.values) => {
      const currency = values.currency.trim().toUpperCase();
      const patch: DealPatch = {
        title: values.title.trim(),
        amount: toMinorUnits(values.amount, currency) ?? 0,
        currency,
        expectedCloseDate: values.expectedCloseDate || null,
        organizationId: values.organizationId,
      };
      if (deal.status !== 'open') patch.closeReason = values.closeReason.trim() || null;
      return body(api.PATCH('/api/v1/deals/{id}', { params: { path: { id: deal.id }, header: ifMatch(deal.version) }, body: patch }));
    },
    onSuccess: async () => {
      save.reset();
      onClose();
      await queryClient.invalidateQueries({ queryKey: dealsQueryKey });
    },
  });
  return (
    <Modal opened={opened} onClose={onClose} title="Edit deal">
      <form onSubmit={form.onSubmit((values) => save.mutate(values))} noValidate>
        <Stack>
          <ProblemAlert error={save.error} />
          <TextInput label="Title" required maxLength={200} {...form.getInputProps('title')} />
          <Group grow>
            <NumberInput label="Amount" min={0} decimalScale={2} {...form.getInputProps('amount')} />
            <TextInput label="Currency" maxLength={3} {...form.getInputProps('currency')} />
          </Group>
          <TextInput label="Expected close date" type="date" {...form.getInputProps('expectedCloseDate')} />
          <OrganizationSelect value={form.values.organizationId} onChange={(id) => form.setFieldValue('organizationId', id)} />
          {deal.status !== 'open' ? <Textarea label={deal.status === 'won' ? 'Why it was won' : 'Why it was lost'} maxLength={500} {...form.getInputProps('closeReason')} /> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              Save
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
