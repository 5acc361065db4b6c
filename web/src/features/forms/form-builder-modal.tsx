import { Alert, Button, Checkbox, Group, Modal, NumberInput, Paper, Stack, Switch, Text, TextInput, Textarea, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { formFieldOptions, formsQueryKey, ifMatch, type ConsentForm, type ConsentFormInput } from './forms-query.ts';

type FieldName = ConsentFormInput['fields'][number]['name'];

interface Values {
  name: string;
  title: string;
  introduction: string;
  language: string;
  labels: Record<string, string>;
  chosen: string[];
  fields: FieldName[];
  origins: string;
  doubleOptIn: boolean;
  successMessage: string;
  submitLabel: string;
  maxSubmissionsPerMinute: number;
}

function valuesOf(form: ConsentForm | null): Values {
  const d = form?.definition;
  return {
    name: form?.name ?? '',
    title: d?.title ?? '',
    introduction: d?.introduction ?? '',
    language: d?.language ?? 'en',
    labels: Object.fromEntries((d?.purposes ?? []).map((p) => [p.key, p.label])),
    chosen: (d?.purposes ?? []).map((p) => p.key),
    fields: (d?.fields.map((f) => f.name as FieldName) ?? ['email']),
    origins: (d?.allowedOrigins ?? []).join('\n'),
    doubleOptIn: d?.doubleOptIn ?? true,
    successMessage: d?.successMessage ?? 'Thank you.',
    submitLabel: d?.submitLabel ?? 'Subscribe',
    maxSubmissionsPerMinute: d?.maxSubmissionsPerMinute ?? 120,
  };
}

/**
 * Builds a consent form or its next version: consent-based purposes (each an unticked checkbox with its label), the
 * fields the purposes need, the websites allowed to embed it, double opt-in, texts, and a preview of what visitors see.
 */
export function FormBuilderModal({ form, opened, onClose }: { form: ConsentForm | null; opened: boolean; onClose: () => void }) {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const [values, setValues] = useState<Values>(() => valuesOf(form));
  const set = <K extends keyof Values>(key: K, value: Values[K]) => setValues((v) => ({ ...v, [key]: value }));
  const purposes = useQuery({ queryKey: ['purposes'], queryFn: () => body(api.GET('/api/v1/purposes')) });
  const consentPurposes = (purposes.data?.items ?? []).filter((p) => p.lawfulBasis === 'consent' || p.art9Condition === 'explicit_consent');

  const save = useMutation({
    mutationFn: () => {
      const input: ConsentFormInput = {
        name: values.name,
        title: values.title,
        introduction: values.introduction,
        language: values.language,
        purposes: values.chosen.map((key) => ({ key, label: values.labels[key]?.trim() || key })),
        fields: values.fields.map((name) => ({ name })),
        allowedOrigins: values.origins.split(/\s+/).filter(Boolean),
        doubleOptIn: values.doubleOptIn,
        successMessage: values.successMessage,
        submitLabel: values.submitLabel,
        maxSubmissionsPerMinute: values.maxSubmissionsPerMinute,
      };
      return form
        ? body(api.PUT('/api/v1/consent-forms/{formId}', { params: { path: { formId: form.id }, header: ifMatch(form.version) }, body: input }))
        : body(api.POST('/api/v1/consent-forms', { body: input }));
    },
    onSuccess: async (saved) => {
      notifications.show({ color: 'green', message: `${saved.name} is published as version ${saved.version}.` });
      await queryClient.invalidateQueries({ queryKey: formsQueryKey });
      onClose();
    },
  });

  return (
    <Modal opened={opened} onClose={onClose} size="xl" title={form ? `New version of ${form.name}` : 'New consent form'}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate();
        }}
      >
        <Stack>
          <ProblemAlert error={save.error} />
          {form ? <Alert color="blue">A published version never changes: saving publishes version {form.version + 1}.</Alert> : null}
          <TextInput label="Name (internal)" required value={values.name} onChange={(e) => set('name', e.currentTarget.value)} />
          <TextInput label="Title shown to visitors" required value={values.title} onChange={(e) => set('title', e.currentTarget.value)} />
          <Textarea label="Introduction" value={values.introduction} onChange={(e) => set('introduction', e.currentTarget.value)} autosize minRows={2} />
          <TextInput label="Language" description="BCP 47 tag; each purpose needs a published notice in it" required value={values.language} onChange={(e) => set('language', e.currentTarget.value)} />
          <Checkbox.Group label="Purposes (each is one unticked checkbox)" value={values.chosen} onChange={(v) => set('chosen', v)}>
            <Stack gap="xs" mt="xs">
              {consentPurposes.map((p) => (
                <Group key={p.key} align="flex-end" wrap="nowrap">
                  <Checkbox value={p.key} label={p.name} disabled={!p.active} description={p.active ? undefined : 'inactive'} />
                  {values.chosen.includes(p.key) ? (
                    <TextInput
                      style={{ flex: 1 }}
                      label={`Checkbox text for ${p.name}`}
                      required
                      value={values.labels[p.key] ?? ''}
                      onChange={(e) => set('labels', { ...values.labels, [p.key]: e.currentTarget.value })}
                    />
                  ) : null}
                </Group>
              ))}
              {purposes.isSuccess && consentPurposes.length === 0 ? <Text c="dimmed">No purpose relies on consent yet.</Text> : null}
            </Stack>
          </Checkbox.Group>
          <Checkbox.Group label="Fields" description="Only what the purposes need; the server refuses the others" value={values.fields} onChange={(v) => set('fields', v as FieldName[])}>
            <Stack gap="xs" mt="xs">
              {formFieldOptions.map((f) => (
                <Checkbox key={f.value} value={f.value} label={f.label} disabled={f.value === 'email'} />
              ))}
            </Stack>
          </Checkbox.Group>
          <Textarea label="Websites allowed to embed the form" description="One origin per line, e.g. https://www.example.com" value={values.origins} onChange={(e) => set('origins', e.currentTarget.value)} autosize minRows={2} />
          <Switch label="Double opt-in: consent counts only after the person confirms by email" checked={values.doubleOptIn} onChange={(e) => set('doubleOptIn', e.currentTarget.checked)} />
          <Group grow>
            <TextInput label="Button text" required value={values.submitLabel} onChange={(e) => set('submitLabel', e.currentTarget.value)} />
            <NumberInput label="Submissions per minute (whole form)" min={1} max={100000} value={values.maxSubmissionsPerMinute} onChange={(v) => set('maxSubmissionsPerMinute', Number(v) || 1)} />
          </Group>
          <TextInput label="Success message" required value={values.successMessage} onChange={(e) => set('successMessage', e.currentTarget.value)} />
          <Paper withBorder p="md" component="section" aria-label="Preview">
            <Title order={4}>{values.title || 'Preview'}</Title>
            {values.introduction ? <Text size="sm">{values.introduction}</Text> : null}
            {values.fields.map((f) => (
              <TextInput key={f} label={formFieldOptions.find((o) => o.value === f)?.label.split(' (')[0]} disabled mt="xs" />
            ))}
            {values.chosen.map((key) => (
              <Checkbox key={key} mt="sm" disabled checked={false} label={`${values.labels[key] || key} (privacy notice)`} />
            ))}
            <Button mt="md" disabled>{values.submitLabel}</Button>
          </Paper>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>Cancel</Button>
            <Button type="submit" loading={save.isPending}>Publish</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
