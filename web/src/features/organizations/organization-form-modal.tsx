import { Button, Group, Modal, Select, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { useSession } from '../../app/session.tsx';
import { organizationsQueryKey, sizeBands, type NewOrganization, type Organization } from './organizations-query.ts';

/** Creates an organization, or edits one (sent with If-Match; the server normalises domain and country). */
export function OrganizationFormModal({ opened, onClose, organization }: { opened: boolean; onClose: () => void; organization?: Organization }) {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const session = useSession();
  const a = organization?.address;
  const form = useForm({
    initialValues: {
      name: organization?.name ?? '',
      domain: organization?.domain ?? '',
      industry: organization?.industry ?? '',
      sizeBand: organization?.sizeBand ?? (null as string | null),
      street: a?.street ?? '',
      city: a?.city ?? '',
      postalCode: a?.postalCode ?? '',
      region: a?.region ?? '',
      country: a?.country ?? '',
    },
    validate: {
      name: (v) => (v.trim() ? null : 'Enter a name'),
      country: (v) => (v === '' || /^[A-Za-z]{2}$/.test(v.trim()) ? null : 'Two letters, such as FR'),
    },
  });
  const save = useMutation({
    mutationFn: (v: typeof form.values) => {
      const orNull = (s: string) => s.trim() || null;
      const values: NewOrganization = {
        name: v.name.trim(),
        domain: orNull(v.domain),
        industry: orNull(v.industry),
        sizeBand: (v.sizeBand as NewOrganization['sizeBand']) ?? null,
        address: { street: orNull(v.street), city: orNull(v.city), postalCode: orNull(v.postalCode), region: orNull(v.region), country: orNull(v.country) },
      };
      if (!organization && session.status === 'signed-in') values.ownerUserId = session.me.id;
      return organization
        ? body(api.PATCH('/api/v1/organizations/{id}', { params: { path: { id: organization.id }, header: { 'if-match': `"${organization.version}"` } }, body: values }))
        : body(api.POST('/api/v1/organizations', { body: values }));
    },
    onSuccess: async () => {
      notifications.show({ color: 'green', message: organization ? 'Organization saved.' : 'Organization created.' });
      if (!organization) form.reset();
      save.reset();
      onClose();
      await queryClient.invalidateQueries({ queryKey: organizationsQueryKey });
    },
  });
  return (
    <Modal opened={opened} onClose={onClose} title={organization ? 'Edit organization' : 'New organization'}>
      <form onSubmit={form.onSubmit((values) => save.mutate(values))} noValidate>
        <Stack>
          <ProblemAlert error={save.error} />
          <TextInput label="Name" required maxLength={200} data-autofocus {...form.getInputProps('name')} />
          <TextInput label="Domain" placeholder="example.com" maxLength={253} {...form.getInputProps('domain')} />
          <Group grow>
            <TextInput label="Industry" maxLength={100} {...form.getInputProps('industry')} />
            <Select label="Size" clearable data={sizeBands.map((b) => ({ value: b, label: `${b} people` }))} {...form.getInputProps('sizeBand')} />
          </Group>
          <TextInput label="Street" maxLength={200} {...form.getInputProps('street')} />
          <Group grow>
            <TextInput label="Postal code" maxLength={20} {...form.getInputProps('postalCode')} />
            <TextInput label="City" maxLength={100} {...form.getInputProps('city')} />
          </Group>
          <Group grow>
            <TextInput label="Region" maxLength={100} {...form.getInputProps('region')} />
            <TextInput label="Country (ISO code)" maxLength={2} {...form.getInputProps('country')} />
          </Group>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              {organization ? 'Save' : 'Create organization'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
