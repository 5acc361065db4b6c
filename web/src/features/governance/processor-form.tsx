import { Button, Checkbox, Fieldset, Group, MultiSelect, NumberInput, Select, SimpleGrid, Stack, TagsInput, TextInput, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQuery } from '@tanstack/react-query';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { art28TermLabels, processorRoleLabels, type Processor, type ProcessorBody } from './governance-query.ts';

type Term = keyof typeof art28TermLabels;

interface Values {
  name: string;
  role: Processor['role'];
  parentId: string;
  services: string;
  dataCategories: string[];
  purposes: string[];
  countries: string[];
  signedOn: string;
  expiresOn: string;
  documentReference: string;
  terms: Term[];
  noticeOn: string;
  objectionWindowDays: number;
  certifications: string[];
  reviewOn: string;
}

function valuesOf(p: Processor | undefined): Values {
  return {
    name: p?.name ?? '',
    role: p?.role ?? 'processor',
    parentId: p?.parentId ?? '',
    services: p?.services ?? '',
    dataCategories: [...(p?.dataCategories ?? [])],
    purposes: [...(p?.purposes ?? [])],
    countries: [...(p?.countries ?? [])],
    signedOn: p?.agreement?.signedOn ?? '',
    expiresOn: p?.agreement?.expiresOn ?? '',
    documentReference: p?.agreement?.documentReference ?? '',
    terms: [...(p?.agreement?.terms ?? [])],
    noticeOn: p?.subProcessorNotice?.noticeOn ?? '',
    objectionWindowDays: p?.subProcessorNotice?.objectionWindowDays ?? 30,
    certifications: [...(p?.certifications ?? [])],
    reviewOn: p?.reviewOn ?? '',
  };
}

const orNull = (s: string) => (s.trim() === '' ? null : s.trim());

function bodyOf(v: Values): ProcessorBody {
  const agreement = v.signedOn || v.expiresOn || v.documentReference || v.terms.length > 0;
  return {
    name: v.name.trim(),
    role: v.role,
    parentId: v.role === 'sub_processor' ? orNull(v.parentId) : null,
    services: v.services,
    dataCategories: v.dataCategories,
    purposes: v.purposes,
    countries: v.countries.map((c) => c.trim().toUpperCase()),
    agreement: agreement ? { signedOn: orNull(v.signedOn), expiresOn: orNull(v.expiresOn), documentReference: orNull(v.documentReference), terms: v.terms } : null,
    subProcessorNotice: v.role === 'sub_processor' && v.noticeOn ? { noticeOn: v.noticeOn, objectionWindowDays: v.objectionWindowDays } : null,
    certifications: v.certifications,
    reviewOn: orNull(v.reviewOn),
  };
}

/**
 * The processor form: identity and role, what flows to it (categories and purposes from the catalogue and register),
 * where it processes, the agreement with the Art. 28(3) checklist, the sub-processor notice, certifications and the
 * review date. Incomplete records are saved as drafts.
 */
export function ProcessorForm({
  processor,
  others,
  saving,
  disabled,
  onSubmit,
}: {
  processor?: Processor;
  others: readonly Processor[];
  saving: boolean;
  disabled: boolean;
  onSubmit: (body: ProcessorBody) => void;
}) {
  const { api } = useApi();
  const form = useForm<Values>({ initialValues: valuesOf(processor) });
  const categories = useQuery({ queryKey: ['catalogue', 'categories'], queryFn: () => body(api.GET('/api/v1/catalogue/categories')) });
  const purposes = useQuery({ queryKey: ['purposes'], queryFn: () => body(api.GET('/api/v1/purposes')) });
  const adequacy = useQuery({ queryKey: ['governance', 'adequacy'], queryFn: () => body(api.GET('/api/v1/governance/adequacy')) });
  const parents = others.filter((o) => o.id !== processor?.id && (o.role === 'processor' || o.role === 'sub_processor'));
  const isContract = form.values.role === 'processor' || form.values.role === 'sub_processor';

  return (
    <form onSubmit={form.onSubmit((v) => onSubmit(bodyOf(v)))}>
      <Stack maw={960}>
        <Fieldset legend="Party" disabled={disabled}>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label="Name" required {...form.getInputProps('name')} />
            <Select label="Role" data={Object.entries(processorRoleLabels).map(([value, label]) => ({ value, label }))} allowDeselect={false} {...form.getInputProps('role')} />
          </SimpleGrid>
          {form.values.role === 'sub_processor' ? (
            <SimpleGrid cols={{ base: 1, sm: 3 }} mt="sm">
              <Select label="Sub-processor of" data={parents.map((p) => ({ value: p.id, label: p.name }))} {...form.getInputProps('parentId')} />
              <TextInput label="Notice received on" type="date" {...form.getInputProps('noticeOn')} />
              <NumberInput label="Objection window (days)" min={0} max={365} {...form.getInputProps('objectionWindowDays')} />
            </SimpleGrid>
          ) : null}
          <Textarea label="Services" autosize minRows={2} mt="sm" {...form.getInputProps('services')} />
        </Fieldset>
        <Fieldset legend="What flows to it, and where" disabled={disabled}>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <MultiSelect label="Data categories" searchable data={(categories.data?.items ?? []).map((c) => ({ value: c.key, label: `${c.name} (${c.key})` }))} {...form.getInputProps('dataCategories')} />
            <MultiSelect label="Purposes" searchable data={(purposes.data?.items ?? []).map((p) => ({ value: p.key, label: p.name }))} {...form.getInputProps('purposes')} />
          </SimpleGrid>
          <TagsInput
            label="Countries of processing"
            description={`ISO 3166-1 alpha-2 codes (US, DE…). Outside the EEA a transfer tool is needed${adequacy.data ? `; adequacy list as of ${adequacy.data.asOf}` : ''}.`}
            mt="sm"
            {...form.getInputProps('countries')}
          />
        </Fieldset>
        <Fieldset legend={isContract ? 'Agreement (Art. 28(3))' : form.values.role === 'joint_controller' ? 'Arrangement (Art. 26)' : 'Agreement'} disabled={disabled}>
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <TextInput label="Signed on" type="date" {...form.getInputProps('signedOn')} />
            <TextInput label="Expires on" type="date" {...form.getInputProps('expiresOn')} />
            <TextInput label="Document reference" {...form.getInputProps('documentReference')} />
          </SimpleGrid>
          {isContract ? (
            <Checkbox.Group label="Terms the agreement contains" mt="sm" {...form.getInputProps('terms')}>
              <Stack gap={6} mt={6}>
                {Object.entries(art28TermLabels).map(([value, label]) => (
                  <Checkbox key={value} value={value} label={label} />
                ))}
              </Stack>
            </Checkbox.Group>
          ) : null}
        </Fieldset>
        <Fieldset legend="Assurance" disabled={disabled}>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TagsInput label="Security certifications" {...form.getInputProps('certifications')} />
            <TextInput label="Next review" type="date" {...form.getInputProps('reviewOn')} />
          </SimpleGrid>
        </Fieldset>
        {disabled ? null : (
          <Group justify="flex-end">
            <Button type="submit" loading={saving}>
              Save processor
            </Button>
          </Group>
        )}
      </Stack>
    </form>
  );
}
