import { Button, Checkbox, Fieldset, Group, SimpleGrid, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { PageHeader } from '../../app/page-header.tsx';
import { PageLoader } from '../../app/page-loader.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { useSession } from '../../app/session.tsx';
import { governanceKey, ifMatch, type Organisation, type OrganisationBody } from './governance-query.ts';

interface Values {
  controller: { name: string; address: string; email: string; phone: string };
  hasRepresentative: boolean;
  representative: { name: string; address: string; email: string; phone: string };
  hasDpo: boolean;
  dpo: { name: string; email: string; phone: string };
}

const emptyParty = { name: '', address: '', email: '', phone: '' };

function valuesOf(o: Organisation): Values {
  return {
    controller: { ...o.controller },
    hasRepresentative: o.representative !== null,
    representative: o.representative ? { ...o.representative } : { ...emptyParty },
    hasDpo: o.dpo !== null,
    dpo: o.dpo ? { ...o.dpo } : { name: '', email: '', phone: '' },
  };
}

function bodyOf(v: Values): OrganisationBody {
  return {
    controller: v.controller,
    representative: v.hasRepresentative ? v.representative : null,
    dpo: v.hasDpo ? v.dpo : null,
  };
}

/** Organisation settings: the controller, its EU representative and the DPO, as the records of processing name them. */
export function OrganisationPage() {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const session = useSession();
  const canWrite = session.status === 'signed-in' && session.permissions.has('governance:write');
  const organisation = useQuery({
    queryKey: [...governanceKey, 'organisation'],
    queryFn: () => body(api.GET('/api/v1/governance/organisation')),
  });
  const form = useForm<Values>({ initialValues: valuesOf({ controller: emptyParty, representative: null, dpo: null, version: 0, updatedAt: null }) });
  const { setValues, resetDirty } = form;
  useEffect(() => {
    if (organisation.data) {
      setValues(valuesOf(organisation.data));
      resetDirty(valuesOf(organisation.data));
    }
  }, [organisation.data, setValues, resetDirty]);
  const save = useMutation({
    mutationFn: (v: Values) =>
      body(api.PUT('/api/v1/governance/organisation', { body: bodyOf(v), params: { header: ifMatch(organisation.data?.version ?? 0) } })),
    onSuccess: async (saved) => {
      notifications.show({ color: 'green', message: `Organisation settings saved (version ${saved.version}).` });
      await queryClient.invalidateQueries({ queryKey: governanceKey });
    },
  });

  if (organisation.isPending) return <PageLoader />;
  const party = (prefix: 'controller' | 'representative', legend: string) => (
    <Fieldset legend={legend} disabled={!canWrite}>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <TextInput label="Name" {...form.getInputProps(`${prefix}.name`)} />
        <TextInput label="Email" type="email" {...form.getInputProps(`${prefix}.email`)} />
        <TextInput label="Phone" {...form.getInputProps(`${prefix}.phone`)} />
      </SimpleGrid>
      <Textarea label="Address" autosize minRows={2} mt="sm" {...form.getInputProps(`${prefix}.address`)} />
    </Fieldset>
  );
  return (
    <>
      <PageHeader
        title="Organisation"
        description="Who the controller is, its representative in the Union and its data protection officer. The records of processing name them; every save is kept as a version."
      />
      <form onSubmit={form.onSubmit((v) => save.mutate(v))}>
        <Stack maw={900}>
          <ProblemAlert error={organisation.error ?? save.error} />
          {party('controller', 'Controller (Art. 30(1)(a))')}
          <Checkbox label="The controller has an EU representative (Art. 27)" disabled={!canWrite} {...form.getInputProps('hasRepresentative', { type: 'checkbox' })} />
          {form.values.hasRepresentative ? party('representative', 'EU representative') : null}
          <Checkbox label="A data protection officer is designated (Art. 37)" disabled={!canWrite} {...form.getInputProps('hasDpo', { type: 'checkbox' })} />
          {form.values.hasDpo ? (
            <Fieldset legend="Data protection officer" disabled={!canWrite}>
              <SimpleGrid cols={{ base: 1, sm: 3 }}>
                <TextInput label="DPO name" {...form.getInputProps('dpo.name')} />
                <TextInput label="DPO email" type="email" {...form.getInputProps('dpo.email')} />
                <TextInput label="DPO phone" {...form.getInputProps('dpo.phone')} />
              </SimpleGrid>
            </Fieldset>
          ) : null}
          <Group justify="space-between">
            <Text size="sm" c="dimmed">
              Version {organisation.data?.version ?? 0}
            </Text>
            {canWrite ? (
              <Button type="submit" loading={save.isPending}>
                Save organisation
              </Button>
            ) : null}
          </Group>
        </Stack>
      </form>
    </>
  );
}
