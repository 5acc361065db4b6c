import { Alert, Anchor, Button, Group, List, Modal, Stack, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { ContactFields, contactValidation, contactValuesOf, newPersonOf, type ContactValues } from './contact-form.tsx';
import { peopleQueryKey, purposeHeaders, withAppliedPurpose } from './people-query.ts';

interface PossibleDuplicate {
  readonly personId: string;
  readonly pseudonym: string;
  readonly reasons: readonly string[];
}

const reasonLabels: Record<string, string> = { email: 'same email', phone: 'same phone', name_in_organization: 'same name in the organization' };

/**
 * Adds a person under the chosen purpose, then opens their page (by id). Before creating, it asks the duplicates
 * check (same email or phone through the blind index, same name in the same organization) and, when someone matches,
 * shows them with a link and lets the user create anyway.
 */
export function CreatePersonModal({
  opened,
  onClose,
  purpose,
}: {
  opened: boolean;
  onClose: () => void;
  purpose: string | null;
}) {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const form = useForm<ContactValues>({ initialValues: contactValuesOf(), validate: contactValidation });
  const [duplicates, setDuplicates] = useState<readonly PossibleDuplicate[]>([]);
  const create = useMutation({
    mutationFn: async ({ values, anyway }: { values: ContactValues; anyway: boolean }) => {
      const person = newPersonOf(values);
      if (!anyway) {
        const primary = (list: typeof person.emails) => list?.find((p) => p.primary)?.value ?? list?.[0]?.value;
        const candidate = {
          ...(primary(person.emails) ? { email: primary(person.emails) } : {}),
          ...(primary(person.phones) ? { phone: primary(person.phones) } : {}),
          ...(person.firstName ? { firstName: person.firstName } : {}),
          ...(person.lastName ? { lastName: person.lastName } : {}),
          ...(person.organizationId ? { organizationId: person.organizationId } : {}),
        };
        const found = await body(api.POST('/api/v1/people/duplicates/check', { body: candidate, headers: purposeHeaders(purpose) }));
        if (found.items.length > 0) return { duplicates: found.items };
      }
      return { created: await withAppliedPurpose(api.POST('/api/v1/people', { body: person, headers: purposeHeaders(purpose) })) };
    },
    onSuccess: async (result) => {
      if ('duplicates' in result) {
        setDuplicates(result.duplicates ?? []);
        return;
      }
      const { data, appliedPurpose } = result.created;
      notifications.show({ color: 'green', message: `Person added under the purpose ${appliedPurpose ?? '—'}.` });
      form.reset();
      create.reset();
      setDuplicates([]);
      onClose();
      await queryClient.invalidateQueries({ queryKey: peopleQueryKey });
      await navigate(`/people/${data.id}`);
    },
  });
  return (
    <Modal opened={opened} onClose={onClose} title="New person" size="lg">
      <form onSubmit={form.onSubmit((values) => create.mutate({ values, anyway: false }))} noValidate>
        <Stack>
          <ProblemAlert error={create.error} />
          {duplicates.length > 0 ? (
            <Alert color="yellow" title="This person may already be here" role="status">
              <List size="sm" mb="sm">
                {duplicates.map((d) => (
                  <List.Item key={d.personId}>
                    <Anchor component={Link} to={`/people/${d.personId}`} onClick={onClose}>
                      {d.pseudonym}
                    </Anchor>{' '}
                    ({d.reasons.map((r) => reasonLabels[r] ?? r).join(', ')})
                  </List.Item>
                ))}
              </List>
              <Button size="xs" variant="light" color="yellow" onClick={() => create.mutate({ values: form.getValues(), anyway: true })}>
                Create anyway
              </Button>
            </Alert>
          ) : null}
          <ContactFields form={form} mode="create" />
          <Text size="xs" c="dimmed">
            Collected under the chosen purpose; fields it does not cover are refused (minimisation). Values
            are encrypted under the person’s own key.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Add person
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
