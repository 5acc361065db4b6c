import { Alert, Button, Group, Modal, Stack } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../api/api-context.tsx';
import { isApiError } from '../../api/api-error.ts';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { ContactFields, contactValidation, contactValuesOf, patchOf, type ContactValues } from './contact-form.tsx';
import { ifMatch, peopleQueryKey, purposeHeaders, type Person } from './people-query.ts';

/**
 * Edits a contact: sends only what changed, with If-Match of the version read and the reason given (both kept in the
 * person's history). A concurrent change answers 412: the form says so and offers to reload.
 */
export function EditPersonModal({
  person,
  opened,
  onClose,
  purpose,
}: {
  person: Person;
  opened: boolean;
  onClose: () => void;
  purpose: string | null;
}) {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const form = useForm<ContactValues>({ initialValues: contactValuesOf(person), validate: contactValidation });
  const save = useMutation({
    mutationFn: async (values: ContactValues) => {
      const patch = patchOf(values, person);
      if (Object.keys(patch).length === 0) return null;
      return (
        await api.PATCH('/api/v1/people/{id}', {
          params: { path: { id: person.id }, header: ifMatch(person.version) },
          body: patch,
          headers: purposeHeaders(purpose),
        })
      ).data;
    },
    onSuccess: async () => {
      save.reset();
      onClose();
      await queryClient.invalidateQueries({ queryKey: [...peopleQueryKey, person.id] });
      await queryClient.invalidateQueries({ queryKey: [...peopleQueryKey, 'list'] });
    },
  });
  const stale = isApiError(save.error) && save.error.status === 412;
  return (
    <Modal opened={opened} onClose={onClose} title="Edit person" size="lg">
      <form onSubmit={form.onSubmit((values) => save.mutate(values))} noValidate>
        <Stack>
          {stale ? (
            <Alert color="orange" title="Changed since you read it" data-testid="stale-person">
              Someone changed this person after you opened the form. Reload to see their change, then edit again.
              <Group mt="sm">
                <Button
                  size="xs"
                  variant="light"
                  onClick={async () => {
                    save.reset();
                    onClose();
                    await queryClient.invalidateQueries({ queryKey: [...peopleQueryKey, person.id] });
                  }}
                >
                  Reload
                </Button>
              </Group>
            </Alert>
          ) : (
            <ProblemAlert error={save.error} />
          )}
          <ContactFields form={form} mode="edit" />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              Save
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
