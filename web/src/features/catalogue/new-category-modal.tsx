import { Button, Checkbox, Group, Modal, Stack, TextInput, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { categoriesQueryKey, type NewCategory } from './catalogue-query.ts';

const categoryKey = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

/** Defines a workspace data category under an existing one (the server checks the parent exists). */
export function NewCategoryModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const form = useForm({
    initialValues: { key: '', name: '', description: '', special: false, criminal: false },
    validate: {
      key: (v) =>
        categoryKey.test(v.trim()) && v.trim().length <= 128
          ? null
          : 'Dotted lower-case key under an existing category, e.g. user.contact.linkedin',
      name: (v) => (v.trim() ? null : 'Enter a name'),
    },
  });
  const create = useMutation({
    mutationFn: (values: typeof form.values) => {
      const request: NewCategory = {
        key: values.key.trim(),
        name: values.name.trim(),
        description: values.description.trim(),
        special: values.special,
        criminal: values.criminal,
      };
      return body(api.POST('/api/v1/catalogue/categories', { body: request }));
    },
    onSuccess: async (created) => {
      notifications.show({ color: 'green', message: `Category ${created.key} added.` });
      form.reset();
      create.reset();
      onClose();
      await queryClient.invalidateQueries({ queryKey: categoriesQueryKey });
    },
  });
  return (
    <Modal opened={opened} onClose={onClose} title="New data category">
      <form onSubmit={form.onSubmit((values) => create.mutate(values))} noValidate>
        <Stack>
          <ProblemAlert error={create.error} />
          <TextInput
            label="Key"
            description="Under an existing category: the part before the last dot must exist"
            required
            maxLength={128}
            autoComplete="off"
            data-autofocus
            {...form.getInputProps('key')}
          />
          <TextInput label="Name" required maxLength={120} {...form.getInputProps('name')} />
          <Textarea
            label="Description"
            autosize
            minRows={2}
            maxLength={1000}
            {...form.getInputProps('description')}
          />
          <Checkbox
            label="Special category (Art. 9): health, beliefs, biometrics, sexual orientation…"
            {...form.getInputProps('special', { type: 'checkbox' })}
          />
          <Checkbox
            label="Criminal convictions and offences (Art. 10)"
            {...form.getInputProps('criminal', { type: 'checkbox' })}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Add category
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
