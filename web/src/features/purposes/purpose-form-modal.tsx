import {
  Button,
  Group,
  Modal,
  MultiSelect,
  Select,
  Stack,
  Switch,
  TagsInput,
  Text,
  TextInput,
  Textarea,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo } from 'react';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { isApiError } from '../../api/api-error.ts';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { purposeFormErrors, type PurposeFormValues } from './purpose-validation.ts';
import {
  art9ConditionLabels,
  lawfulBasisLabels,
  purposesQueryKey,
  type Art9Condition,
  type Category,
  type LawfulBasis,
  type NewPurpose,
  type Purpose,
  type PurposePatch,
} from './purposes-query.ts';

const emptyValues: PurposeFormValues = {
  key: '',
  name: '',
  description: '',
  lawfulBasis: '',
  art9Condition: '',
  legitimateInterestAssessment: '',
  requiredCategories: [],
  optionalCategories: [],
  retention: 'P3Y',
  recipients: [],
  active: false,
  directMarketing: false,
  legalClaims: false,
};

function valuesOf(purpose: Purpose): PurposeFormValues {
  return {
    key: purpose.key,
    name: purpose.name,
    description: purpose.description,
    lawfulBasis: purpose.lawfulBasis,
    art9Condition: purpose.art9Condition ?? '',
    legitimateInterestAssessment: purpose.legitimateInterestAssessment ?? '',
    requiredCategories: [...purpose.requiredCategories],
    optionalCategories: [...purpose.optionalCategories],
    retention: purpose.retention,
    recipients: [...purpose.recipients],
    active: purpose.active,
    directMarketing: purpose.directMarketing,
    legalClaims: purpose.legalClaims,
  };
}

/** The request fields of the form (active is set on creation only; later through activate/deactivate). */
function fieldsOf(v: PurposeFormValues) {
  const retention = v.retention.trim();
  return {
    name: v.name.trim(),
    description: v.description.trim(),
    lawfulBasis: v.lawfulBasis as LawfulBasis,
    art9Condition: v.art9Condition ? (v.art9Condition as Art9Condition) : null,
    legitimateInterestAssessment: v.legitimateInterestAssessment.trim() || null,
    requiredCategories: v.requiredCategories,
    optionalCategories: v.optionalCategories,
    retention: /^\d+$/.test(retention) ? Number(retention) : retention,
    recipients: v.recipients,
    directMarketing: v.directMarketing,
    legalClaims: v.legalClaims,
  };
}

function categoryLabel(c: Category): string {
  const flags = [c.special ? 'Art. 9' : '', c.criminal ? 'Art. 10' : ''].filter(Boolean).join(', ');
  return `${c.key}${flags ? ` (${flags})` : ''}`;
}

/**
 * Creates a purpose, or edits one (each change makes a new version). Validates like the server: the Art. 9(2)
 * condition when a chosen category is special, the legitimate-interest assessment for Art. 6(1)(f).
 *
 * @example
 * <PurposeFormModal purpose={editing} opened onClose={close} categories={categories} />
 */
export function PurposeFormModal({
  purpose,
  opened,
  onClose,
  categories,
}: {
  /** The purpose to edit; none to create one. */
  purpose: Purpose | null;
  opened: boolean;
  onClose: () => void;
  categories: readonly Category[];
}) {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const creating = purpose === null;
  const form = useForm<PurposeFormValues>({
    initialValues: emptyValues,
    validate: (values) => purposeFormErrors(values, categories, { creating }),
  });
  const { setValues, resetDirty } = form;
  useEffect(() => {
    if (!opened) return;
    const values = purpose ? valuesOf(purpose) : emptyValues;
    setValues(values);
    resetDirty(values);
    // Reset the form each time the dialog opens, for the purpose it opens on.
  }, [opened, purpose]);

  const categoryOptions = useMemo(
    () =>
      categories.filter((c) => c.replacedBy === null).map((c) => ({ value: c.key, label: categoryLabel(c) })),
    [categories],
  );
  const chosenSpecial = [...form.values.requiredCategories, ...form.values.optionalCategories].some(
    (k) => categories.find((c) => c.key === k)?.special,
  );

  const save = useMutation({
    mutationFn: (values: PurposeFormValues) => {
      if (purpose) {
        const patch: PurposePatch = fieldsOf(values);
        return body(
          api.PATCH('/api/v1/purposes/{key}', { params: { path: { key: purpose.key } }, body: patch }),
        );
      }
      const request: NewPurpose = { key: values.key.trim(), ...fieldsOf(values), active: values.active };
      return body(api.POST('/api/v1/purposes', { body: request }));
    },
    onSuccess: async (saved) => {
      notifications.show({
        color: 'green',
        message: creating ? `Purpose “${saved.name}” registered.` : `Saved as version ${saved.version}.`,
      });
      save.reset();
      onClose();
      await queryClient.invalidateQueries({ queryKey: purposesQueryKey });
    },
    onError: (error) => {
      // Field errors of the problem document land on their fields too (`/art9Condition` → art9Condition).
      if (!isApiError(error)) return;
      const fieldErrors: Record<string, string> = {};
      for (const e of error.errors) {
        const field = e.path.split('/')[1];
        if (field && field in emptyValues) fieldErrors[field] ??= e.message;
      }
      form.setErrors(fieldErrors);
    },
  });

  const basisOptions = Object.entries(lawfulBasisLabels).map(([value, label]) => ({ value, label }));
  const art9Options = Object.entries(art9ConditionLabels).map(([value, label]) => ({ value, label }));

  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={creating ? 'New purpose' : `Edit purpose ${purpose.key}`}
      size="lg"
    >
      <form onSubmit={form.onSubmit((values) => save.mutate(values))} noValidate>
        <Stack>
          <ProblemAlert error={save.error} />
          {creating ? (
            <TextInput
              label="Key"
              description="Stable machine name used by roles, tokens and the Custodian-Purpose header, e.g. newsletter"
              required
              maxLength={64}
              autoComplete="off"
              data-autofocus
              {...form.getInputProps('key')}
            />
          ) : null}
          <TextInput label="Name" required maxLength={120} {...form.getInputProps('name')} />
          <Textarea
            label="Description"
            autosize
            minRows={2}
            maxLength={2000}
            {...form.getInputProps('description')}
          />
          <Select
            label="Lawful basis"
            required
            data={basisOptions}
            allowDeselect={false}
            placeholder="Choose the Art. 6(1) basis"
            {...form.getInputProps('lawfulBasis')}
            value={form.values.lawfulBasis || null}
            onChange={(value) => form.setFieldValue('lawfulBasis', (value ?? '') as LawfulBasis | '')}
          />
          {form.values.lawfulBasis === 'legitimate_interests' ? (
            <Textarea
              label="Legitimate-interest assessment"
              description="The interest pursued, why the processing is necessary for it, and why it does not override the person’s interests and rights."
              required
              autosize
              minRows={3}
              maxLength={10_000}
              {...form.getInputProps('legitimateInterestAssessment')}
            />
          ) : null}
          <MultiSelect
            label="Required data categories"
            data={categoryOptions}
            searchable
            clearable
            maxValues={100}
            placeholder="Categories the purpose needs"
            {...form.getInputProps('requiredCategories')}
          />
          <MultiSelect
            label="Optional data categories"
            data={categoryOptions}
            searchable
            clearable
            maxValues={100}
            placeholder="Categories the purpose may use as well"
            {...form.getInputProps('optionalCategories')}
          />
          <Select
            label="Art. 9(2) condition"
            description={
              chosenSpecial
                ? 'Required: a chosen category is special-category data (Art. 9).'
                : 'Needed only when a chosen category is special-category data (Art. 9).'
            }
            required={chosenSpecial}
            clearable
            data={art9Options}
            placeholder="None"
            {...form.getInputProps('art9Condition')}
            value={form.values.art9Condition || null}
            onChange={(value) => form.setFieldValue('art9Condition', value ?? '')}
          />
          <TextInput
            label="Default retention"
            description="ISO 8601 duration (P2Y, P6M, P90D) or a number of days"
            required
            maxLength={32}
            {...form.getInputProps('retention')}
          />
          <TagsInput
            label="Recipients"
            description="Recipients or categories of recipients (Art. 13(1)(e)); press Enter after each"
            maxTags={50}
            {...form.getInputProps('recipients')}
          />
          <Switch
            label="Direct marketing (an objection stops it at once)"
            {...form.getInputProps('directMarketing', { type: 'checkbox' })}
          />
          <Switch
            label="Legal claims (continues for restricted persons, Art. 18(2))"
            {...form.getInputProps('legalClaims', { type: 'checkbox' })}
          />
          {creating ? (
            <Switch label="Active from now on" {...form.getInputProps('active', { type: 'checkbox' })} />
          ) : (
            <Text size="xs" c="dimmed">
              Saving records a new version; earlier versions stay in the history.
            </Text>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              {creating ? 'Register purpose' : 'Save new version'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
