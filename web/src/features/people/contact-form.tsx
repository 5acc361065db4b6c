import { ActionIcon, Button, Fieldset, Group, Radio, Select, SimpleGrid, Stack, TagsInput, Text, TextInput, Textarea } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../api/api-context.tsx';
import { useSession } from '../../app/session.tsx';
import {
  lifecycleStageLabels,
  provenanceSourceLabels,
  type LifecycleStage,
  type NewPerson,
  type Person,
  type PersonPatch,
  type ProvenanceSource,
} from './people-query.ts';

interface PointRow {
  value: string;
  label: string;
}

/** The contact form's values: text inputs as strings, lists of emails and phones with the index of the primary one. */
export interface ContactValues {
  firstName: string;
  lastName: string;
  emails: PointRow[];
  primaryEmail: string;
  phones: PointRow[];
  primaryPhone: string;
  jobTitle: string;
  street: string;
  city: string;
  postalCode: string;
  region: string;
  country: string;
  notes: string;
  lifecycleStage: string | null;
  ownerUserId: string | null;
  organizationId: string | null;
  tags: string[];
  source: ProvenanceSource;
  sourceDetail: string;
  reason: string;
}

/** The form's starting values: a person's, or empty ones for a new contact. */
export function contactValuesOf(person?: Person): ContactValues {
  const points = (list: Person['emails'] | undefined) => (list && list.length > 0 ? list.map((p) => ({ value: p.value, label: p.label ?? '' })) : [{ value: '', label: '' }]);
  const primary = (list: Person['emails'] | undefined) => String(Math.max(0, list?.findIndex((p) => p.primary) ?? 0));
  return {
    firstName: person?.firstName ?? '',
    lastName: person?.lastName ?? '',
    emails: points(person?.emails),
    primaryEmail: primary(person?.emails),
    phones: points(person?.phones),
    primaryPhone: primary(person?.phones),
    jobTitle: person?.jobTitle ?? '',
    street: person?.address?.street ?? '',
    city: person?.address?.city ?? '',
    postalCode: person?.address?.postalCode ?? '',
    region: person?.address?.region ?? '',
    country: person?.address?.country ?? '',
    notes: person?.notes ?? '',
    lifecycleStage: person?.lifecycleStage ?? null,
    ownerUserId: person?.ownerUserId ?? null,
    organizationId: person?.organizationId ?? null,
    tags: person?.tags ?? [],
    source: (person?.provenance.source as ProvenanceSource | undefined) ?? 'provided',
    sourceDetail: '',
    reason: '',
  };
}

const pointsOf = (rows: PointRow[], primary: string) =>
  rows
    .map((r, i) => ({ value: r.value.trim(), label: r.label.trim() || null, primary: String(i) === primary }))
    .filter((r) => r.value !== '');

const addressOf = (v: ContactValues) => {
  const address = { street: v.street.trim(), city: v.city.trim(), postalCode: v.postalCode.trim(), region: v.region.trim(), country: v.country.trim().toUpperCase() };
  const given = Object.entries(address).filter(([, value]) => value !== '');
  return given.length > 0 ? Object.fromEntries(given) : null;
};

/** Client-side checks mirroring the server's (the server decides: E.164 and ISO countries are checked there). */
export const contactValidation = {
  firstName: (v: string, values: ContactValues) =>
    v.trim() || values.lastName.trim() || values.emails.some((e) => e.value.trim()) || values.phones.some((p) => p.value.trim()) ? null : 'Enter a name, an email or a phone',
  country: (v: string) => (v.trim() === '' || /^[A-Za-z]{2}$/.test(v.trim()) ? null : 'Two letters (ISO 3166-1), e.g. FR'),
};

/** The body of a create. */
export function newPersonOf(v: ContactValues): NewPerson {
  const body: NewPerson = { provenance: { source: v.source, ...(v.sourceDetail.trim() ? { sourceDetail: v.sourceDetail.trim() } : {}) } };
  for (const key of ['firstName', 'lastName', 'jobTitle', 'notes'] as const) if (v[key].trim()) body[key] = v[key].trim();
  const emails = pointsOf(v.emails, v.primaryEmail);
  const phones = pointsOf(v.phones, v.primaryPhone);
  if (emails.length > 0) body.emails = emails;
  if (phones.length > 0) body.phones = phones;
  const address = addressOf(v);
  if (address) body.address = address;
  if (v.lifecycleStage) body.lifecycleStage = v.lifecycleStage as LifecycleStage;
  if (v.ownerUserId) body.ownerUserId = v.ownerUserId;
  if (v.organizationId) body.organizationId = v.organizationId;
  if (v.tags.length > 0) body.tags = v.tags;
  return body;
}

/** The body of an edit: only what changed (each change is kept in the person's history), with the reason. */
export function patchOf(v: ContactValues, person: Person): PersonPatch {
  const patch: PersonPatch = {};
  const text = (s: string) => s.trim() || null;
  for (const key of ['firstName', 'lastName', 'jobTitle', 'notes'] as const) if (text(v[key]) !== person[key]) patch[key] = text(v[key]);
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const emails = pointsOf(v.emails, v.primaryEmail);
  const phones = pointsOf(v.phones, v.primaryPhone);
  if (!same(emails, person.emails)) patch.emails = emails;
  if (!same(phones, person.phones)) patch.phones = phones;
  const address = addressOf(v);
  if (!same(address, person.address ? Object.fromEntries(Object.entries(person.address).filter(([, x]) => x)) : null)) patch.address = address;
  if (v.lifecycleStage !== person.lifecycleStage) patch.lifecycleStage = v.lifecycleStage as LifecycleStage | null;
  if (v.ownerUserId !== person.ownerUserId) patch.ownerUserId = v.ownerUserId;
  if (v.organizationId !== person.organizationId) patch.organizationId = v.organizationId;
  if (!same([...v.tags].sort(), person.tags)) patch.tags = v.tags;
  if (v.reason.trim() && Object.keys(patch).length > 0) patch.reason = v.reason.trim();
  return patch;
}

function PointList({ form, kind }: { form: UseFormReturnType<ContactValues>; kind: 'emails' | 'phones' }) {
  const noun = kind === 'emails' ? 'Email' : 'Phone';
  const primaryKey = kind === 'emails' ? 'primaryEmail' : 'primaryPhone';
  const rows = form.values[kind];
  return (
    <Radio.Group value={form.values[primaryKey]} onChange={(v) => form.setFieldValue(primaryKey, v)}>
      <Stack gap="xs">
        {rows.map((_, i) => (
          <Group key={i} align="flex-end" wrap="nowrap">
            <TextInput
              style={{ flex: 2 }}
              label={i === 0 ? noun : `${noun} ${i + 1}`}
              type={kind === 'emails' ? 'email' : 'tel'}
              maxLength={kind === 'emails' ? 254 : 40}
              autoComplete="off"
              {...form.getInputProps(`${kind}.${i}.value`)}
            />
            <TextInput style={{ flex: 1 }} label="Label" placeholder="work, home…" maxLength={40} {...form.getInputProps(`${kind}.${i}.label`)} />
            <Radio value={String(i)} label="Primary" mb={8} />
            {rows.length > 1 ? (
              <ActionIcon
                variant="subtle"
                color="gray"
                mb={6}
                title={`Remove ${noun.toLowerCase()} ${i + 1}`}
                aria-label={`Remove row ${i + 1}`}
                onClick={() => {
                  form.removeListItem(kind, i);
                  const primary = Number(form.values[primaryKey]);
                  if (primary >= i && primary > 0) form.setFieldValue(primaryKey, String(primary - 1));
                }}
              >
                ×
              </ActionIcon>
            ) : null}
          </Group>
        ))}
        {rows.length < 20 ? (
          <Group>
            <Button variant="subtle" size="xs" onClick={() => form.insertListItem(kind, { value: '', label: '' })}>
              Add {kind === 'emails' ? 'an email' : 'a phone'}
            </Button>
          </Group>
        ) : null}
      </Stack>
    </Radio.Group>
  );
}

/** Users the contact can be owned by (needs `users:read`; otherwise only the current owner or oneself). */
function OwnerSelect({ value, onChange }: { value: string | null; onChange: (id: string | null) => void }) {
  const { api } = useApi();
  const session = useSession();
  const canList = session.status === 'signed-in' && session.permissions.has('users:read');
  const users = useQuery({
    queryKey: ['users', 'owner-select'],
    queryFn: async () => (await api.GET('/api/v1/users', { params: { query: { limit: 200 } } })).data,
    enabled: canList,
  });
  const options = new Map<string, string>();
  if (session.status === 'signed-in') options.set(session.me.id, `${session.me.name} (me)`);
  for (const u of (users.data as { items?: { id: string; name: string }[] } | undefined)?.items ?? []) if (!options.has(u.id)) options.set(u.id, u.name);
  if (value && !options.has(value)) options.set(value, 'Another user');
  return <Select label="Owner" placeholder="Nobody" clearable data={[...options].map(([id, label]) => ({ value: id, label }))} value={value} onChange={onChange} />;
}

/** Organizations by name (the organizations API), for the contact's organization. */
function OrganizationField({ value, onChange }: { value: string | null; onChange: (id: string | null) => void }) {
  const { api } = useApi();
  const organizations = useQuery({
    queryKey: ['organizations', 'contact-select'],
    queryFn: async () => (await api.GET('/api/v1/organizations', { params: { query: { limit: 200 } } })).data,
  });
  const options = new Map((organizations.data?.items ?? []).map((o) => [o.id, o.name]));
  if (value && !options.has(value)) options.set(value, 'Unknown organization');
  return <Select label="Organization" placeholder="None" searchable clearable data={[...options].map(([id, label]) => ({ value: id, label }))} value={value} onChange={onChange} />;
}

/**
 * The fields of a contact, for creating (with where the data came from) or editing (with why it changes).
 *
 * @example
 * <ContactFields form={form} mode="create" />
 */
export function ContactFields({ form, mode }: { form: UseFormReturnType<ContactValues>; mode: 'create' | 'edit' }) {
  return (
    <Stack>
      <Group grow>
        <TextInput label="First name" maxLength={200} autoComplete="off" data-autofocus {...form.getInputProps('firstName')} />
        <TextInput label="Last name" maxLength={200} autoComplete="off" {...form.getInputProps('lastName')} />
      </Group>
      <PointList form={form} kind="emails" />
      <PointList form={form} kind="phones" />
      <Text size="xs" c="dimmed">
        Phones are stored in international form (E.164): start with + and the country code.
      </Text>
      <TextInput label="Job title" maxLength={200} {...form.getInputProps('jobTitle')} />
      <Fieldset legend="Postal address">
        <Stack gap="xs">
          <TextInput label="Street" maxLength={200} {...form.getInputProps('street')} />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label="City" maxLength={200} {...form.getInputProps('city')} />
            <TextInput label="Postal code" maxLength={200} {...form.getInputProps('postalCode')} />
            <TextInput label="Region" maxLength={200} {...form.getInputProps('region')} />
            <TextInput label="Country" description="ISO code, e.g. FR" maxLength={2} {...form.getInputProps('country')} />
          </SimpleGrid>
        </Stack>
      </Fieldset>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <Select
          label="Lifecycle stage"
          placeholder="None"
          clearable
          data={Object.entries(lifecycleStageLabels).map(([value, label]) => ({ value, label }))}
          {...form.getInputProps('lifecycleStage')}
        />
        <OwnerSelect value={form.values.ownerUserId} onChange={(id) => form.setFieldValue('ownerUserId', id)} />
      </SimpleGrid>
      <OrganizationField value={form.values.organizationId} onChange={(id) => form.setFieldValue('organizationId', id)} />
      <TagsInput label="Tags" maxTags={50} clearable {...form.getInputProps('tags')} />
      <Textarea label="Notes" autosize minRows={2} maxLength={10000} {...form.getInputProps('notes')} />
      {mode === 'create' ? (
        <Fieldset legend="Where the data comes from">
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <Select
              label="Source"
              allowDeselect={false}
              data={Object.entries(provenanceSourceLabels).map(([value, label]) => ({ value, label }))}
              {...form.getInputProps('source')}
            />
            <TextInput label="Source detail" placeholder="e.g. badge scan at an event" maxLength={500} {...form.getInputProps('sourceDetail')} />
          </SimpleGrid>
        </Fieldset>
      ) : (
        <TextInput label="Reason for the change" description="Kept, encrypted, in the person’s history" maxLength={500} {...form.getInputProps('reason')} />
      )}
    </Stack>
  );
}
