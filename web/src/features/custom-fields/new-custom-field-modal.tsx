import { Alert, Button, Group, Modal, MultiSelect, Select, Stack, Switch, TagsInput, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { customFieldsQueryKey, entityLabels, typeLabels, type CustomFieldEntity, type CustomFieldType, type NewCustomField } from './custom-fields-query.ts';

interface FormValues {
  entity: CustomFieldEntity;
  label: string;
  key: string;
  type: CustomFieldType;
  options: string[];
  required: boolean;
  filterable: boolean;
  category: string;
  source: string;
  retention: string;
  purposes: string[];
}

const sources = [
  { value: 'provided', label: 'Provided by the person' },
  { value: 'observed', label: 'Observed' },
  { value: 'derived', label: 'Derived' },
  { value: 'inferred', label: 'Inferred' },
];

/** A key from a label: `Loyalty tier` → `loyalty_tier`. */
function keyOf(label: string): string {
  return label.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').replace(/^(\d)/, 'f_$1').slice(0, 40);
}

/**
 * Defines a custom field. For a person field the classification is required, and the form shows what the server
 * checks: the Art. 9 flag follows the category, and every purpose must cover the category.
 *
 * @example
 * <NewCustomFieldModal opened entity="person" onClose={close} />
 */
export function NewCustomFieldModal({ opened, entity, onClose }: { opened: boolean; entity: CustomFieldEntity; onClose: () => void }) {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const categories = useQuery({ queryKey: ['catalogue', 'categories'], queryFn: () => body(api.GET('/api/v1/catalogue/categories')), enabled: opened });
  const purposes = useQuery({ queryKey: ['purposes'], queryFn: () => body(api.GET('/api/v1/purposes')), enabled: opened });
  const form = useForm<FormValues>({
    initialValues: { entity, label: '', key: '', type: 'text', options: [], required: false, filterable: false, category: '', source: 'provided', retention: 'P2Y', purposes: [] },
    validate: {
      label: (v) => (v.trim() ? null : 'Give the field a label'),
      key: (v) => (/^[a-z][a-z0-9_]{0,39}$/.test(v) ? null : 'Lower-case letters, digits and _, starting with a letter'),
      options: (v, values) => (['select', 'multi_select'].includes(values.type) && v.length === 0 ? 'Add at least one option' : null),
      category: (v, values) => (values.entity === 'person' && !v ? 'A person field must be classified: choose its data category' : null),
      purposes: (v, values) => (values.entity === 'person' && v.length === 0 ? 'Name the purposes the field serves' : null),
      retention: (v, values) => (values.entity === 'person' && !/^P\d+[YMWD]$|^\d+$/.test(v.trim()) ? 'An ISO 8601 duration (P2Y) or a number of days' : null),
    },
  });
  const { setValues, reset } = form;
  useEffect(() => {
    if (opened) {
      reset();
      setValues({ entity });
    }
    // Start afresh, on the tab's entity, each time the dialog opens.
  }, [opened, entity]);

  const category = (categories.data?.items ?? []).find((c) => c.key === form.values.category);
  const create = useMutation({
    mutationFn: (v: FormValues) => {
      const request: NewCustomField = {
        entity: v.entity,
        key: v.key,
        label: v.label.trim(),
        type: v.type,
        required: v.required,
        filterable: v.filterable,
        ...(['select', 'multi_select'].includes(v.type) ? { options: v.options } : {}),
        ...(v.entity === 'person'
          ? {
              classification: {
                category: v.category,
                special: category?.special ?? false,
                source: v.source as 'provided',
                retention: /^\d+$/.test(v.retention.trim()) ? Number(v.retention.trim()) : v.retention.trim(),
                purposes: v.purposes,
              },
            }
          : {}),
      };
      return body(api.POST('/api/v1/custom-fields', { body: request }));
    },
    onSuccess: async (saved) => {
      notifications.show({ color: 'green', message: `Field “${saved.label}” created.` });
      await queryClient.invalidateQueries({ queryKey: customFieldsQueryKey });
      onClose();
    },
  });
  const isSelect = form.values.type === 'select' || form.values.type === 'multi_select';
  const categoryOptions = (categories.data?.items ?? [])
    .filter((c) => c.replacedBy === null && c.key.startsWith('user.'))
    .map((c) => ({ value: c.key, label: `${c.key}${c.special ? ' (Art. 9)' : ''}` }));
  const purposeOptions = (purposes.data?.items ?? []).map((p) => ({ value: p.key, label: `${p.name} (${p.key})` }));

  return (
    <Modal opened={opened} onClose={onClose} title="New custom field" size="lg">
      <form onSubmit={form.onSubmit((v) => create.mutate(v))}>
        <Stack>
          <Select label="Record" data={(['person', 'organization', 'deal'] as const).map((e) => ({ value: e, label: entityLabels[e] }))} allowDeselect={false} {...form.getInputProps('entity')} />
          <TextInput
            label="Label"
            required
            {...form.getInputProps('label')}
            onChange={(e) => {
              const label = e.currentTarget.value;
              form.setFieldValue('label', label);
              if (!form.isDirty('key')) form.setFieldValue('key', keyOf(label));
            }}
          />
          <TextInput label="Key" description="Used in the API and exports" required {...form.getInputProps('key')} />
          <Select label="Type" data={Object.entries(typeLabels).map(([value, label]) => ({ value, label }))} allowDeselect={false} {...form.getInputProps('type')} />
          {isSelect ? <TagsInput label="Options" description="Press Enter after each option" {...form.getInputProps('options')} /> : null}
          <Group>
            <Switch label="Required" {...form.getInputProps('required', { type: 'checkbox' })} />
            <Switch label="Filterable (exact match)" {...form.getInputProps('filterable', { type: 'checkbox' })} />
          </Group>
          {form.values.entity === 'person' ? (
            <Stack gap="sm">
              <Text fw={600}>Classification (personal data)</Text>
              <Select label="Data category" searchable required data={categoryOptions} {...form.getInputProps('category')} />
              {category?.special ? (
                <Alert color="red" title="Special category (Art. 9)">
                  Every purpose of this field needs an Art. 9(2) condition.
                </Alert>
              ) : null}
              <Select label="Source" data={sources} allowDeselect={false} {...form.getInputProps('source')} />
              <TextInput label="Retention" description="ISO 8601 duration such as P2Y, or a number of days" required {...form.getInputProps('retention')} />
              <MultiSelect label="Purposes served" description="Each must cover the data category" placeholder="Choose purposes" required data={purposeOptions} {...form.getInputProps('purposes')} />
            </Stack>
          ) : null}
          <ProblemAlert error={create.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Create field
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
