import { Button, Checkbox, Group, Modal, Select, Stack, TextInput, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import {
  attributesQueryKey,
  sourceLabels,
  type Category,
  type NewAttribute,
  type SourceType,
} from './catalogue-query.ts';

const identifier = /^[a-z][A-Za-z0-9_]{0,62}$/;

/** Declares a personal-data attribute: its category, source, default retention and whether it is searchable. */
export function NewAttributeModal({
  opened,
  onClose,
  categories,
}: {
  opened: boolean;
  onClose: () => void;
  categories: readonly Category[];
}) {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const form = useForm({
    initialValues: {
      entity: 'person',
      attribute: '',
      category: '',
      source: 'provided' as SourceType,
      retention: 'P3Y',
      searchable: false,
      description: '',
    },
    validate: {
      entity: (v) => (identifier.test(v) ? null : 'A lower-camel-case identifier, e.g. person'),
      attribute: (v) => (identifier.test(v) ? null : 'A lower-camel-case identifier, e.g. jobTitle'),
      category: (v) => (v ? null : 'Choose the data category'),
      retention: (v) =>
        /^\d+$/.test(v.trim()) || /^P(?=\d)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?$/.test(v.trim())
          ? null
          : 'An ISO 8601 duration such as P2Y, or a number of days',
    },
  });
  const chosen = categories.find((c) => c.key === form.values.category);
  const declare = useMutation({
    mutationFn: (values: typeof form.values) => {
      const retention = values.retention.trim();
      const request: NewAttribute = {
        entity: values.entity,
        attribute: values.attribute,
        category: values.category,
        special: chosen?.special ?? false,
        source: values.source,
        retention: /^\d+$/.test(retention) ? Number(retention) : retention,
        searchable: values.searchable,
        description: values.description.trim(),
      };
      return body(api.POST('/api/v1/catalogue/attributes', { body: request }));
    },
    onSuccess: async (created) => {
      notifications.show({
        color: 'green',
        message: `Attribute ${created.entity}.${created.attribute} declared.`,
      });
      form.reset();
      declare.reset();
      onClose();
      await queryClient.invalidateQueries({ queryKey: attributesQueryKey });
    },
  });
  return (
    <Modal opened={opened} onClose={onClose} title="Declare an attribute">
      <form onSubmit={form.onSubmit((values) => declare.mutate(values))} noValidate>
        <Stack>
          <ProblemAlert error={declare.error} />
          <Group grow>
            <TextInput label="Entity" required maxLength={63} {...form.getInputProps('entity')} />
            <TextInput
              label="Attribute"
              required
              maxLength={63}
              autoComplete="off"
              data-autofocus
              {...form.getInputProps('attribute')}
            />
          </Group>
          <Select
            label="Data category"
            required
            searchable
            data={categories
              .filter((c) => c.replacedBy === null)
              .map((c) => ({
                value: c.key,
                label: `${c.key}${c.special ? ' (Art. 9)' : ''}${c.criminal ? ' (Art. 10)' : ''}`,
              }))}
            {...form.getInputProps('category')}
            value={form.values.category || null}
            onChange={(value) => form.setFieldValue('category', value ?? '')}
            description={chosen?.special ? 'Special category: values are Art. 9 data.' : undefined}
          />
          <Select
            label="Source"
            required
            allowDeselect={false}
            data={Object.entries(sourceLabels).map(([value, label]) => ({ value, label }))}
            {...form.getInputProps('source')}
          />
          <TextInput
            label="Default retention"
            description="ISO 8601 duration (P2Y, P90D) or a number of days"
            required
            maxLength={32}
            {...form.getInputProps('retention')}
          />
          <Checkbox
            label="Searchable (exact lookup through a blind index)"
            {...form.getInputProps('searchable', { type: 'checkbox' })}
          />
          <Textarea
            label="Description"
            autosize
            minRows={2}
            maxLength={1000}
            {...form.getInputProps('description')}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={declare.isPending}>
              Declare attribute
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
