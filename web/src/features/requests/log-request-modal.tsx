import { Button, Group, Modal, Select, Stack, TextInput, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import {
  channelLabels,
  identityMethodLabels,
  requestsKey,
  requestTypeLabels,
  type IdentityMethod,
  type LogRequestBody,
  type RequestType,
} from './requests-query.ts';

type StaffChannel = LogRequestBody['channel'];
const staffChannels: StaffChannel[] = ['phone', 'letter', 'email', 'in_person'];
const staffMethods: IdentityMethod[] = ['staff_known_contact', 'staff_document_check', 'staff_callback'];

/**
 * "Log a request": a request received by phone, letter, email or in person, with how identity was checked (then it
 * starts verified) and the day it arrived (the deadline runs from it). Opens the new request's page.
 *
 * @example
 * <LogRequestModal opened={open} onClose={() => setOpen(false)} />
 */
export function LogRequestModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [type, setType] = useState<RequestType>('access');
  const [channel, setChannel] = useState<StaffChannel>('phone');
  const [email, setEmail] = useState('');
  const [method, setMethod] = useState<IdentityMethod | null>(null);
  const [language, setLanguage] = useState('en');
  const [receivedOn, setReceivedOn] = useState('');
  const [message, setMessage] = useState('');
  const create = useMutation({
    mutationFn: () => {
      const request: LogRequestBody = {
        type,
        channel,
        language: language.trim() || 'en',
        ...(email.trim() ? { email: email.trim() } : {}),
        ...(method ? { identityMethod: method } : {}),
        ...(receivedOn ? { receivedAt: new Date(`${receivedOn}T12:00:00.000Z`).toISOString() } : {}),
        ...(message.trim() ? { details: { message: message.trim() } } : {}),
      };
      return body(api.POST('/api/v1/requests', { body: request }));
    },
    onSuccess: async (created) => {
      notifications.show({ color: 'green', message: `Request ${created.reference} logged.` });
      setEmail('');
      setMethod(null);
      setReceivedOn('');
      setMessage('');
      create.reset();
      onClose();
      await queryClient.invalidateQueries({ queryKey: requestsKey });
      void navigate(`/requests/${created.id}`);
    },
  });
  return (
    <Modal opened={opened} onClose={onClose} title="Log a request" size="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
        noValidate
      >
        <Stack>
          <ProblemAlert error={create.error} />
          <Group grow>
            <Select
              label="Type"
              allowDeselect={false}
              data-autofocus
              value={type}
              onChange={(v) => setType((v ?? 'access') as RequestType)}
              data={Object.entries(requestTypeLabels).map(([value, label]) => ({ value, label }))}
            />
            <Select
              label="Received by"
              allowDeselect={false}
              value={channel}
              onChange={(v) => setChannel((v ?? 'phone') as StaffChannel)}
              data={staffChannels.map((c) => ({ value: c, label: channelLabels[c] }))}
            />
          </Group>
          <TextInput
            label="Requester's email"
            description="Matched to the people we hold; used to answer."
            type="email"
            maxLength={254}
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
          />
          <Select
            label="How identity was checked"
            description="Leave empty when it still needs checking: the request then starts unverified."
            placeholder="Not checked yet"
            clearable
            value={method}
            onChange={(v) => setMethod(v as IdentityMethod | null)}
            data={staffMethods.map((m) => ({ value: m, label: identityMethodLabels[m] }))}
          />
          <Group grow>
            <TextInput
              label="Received on"
              description="Default today; the deadline runs from it."
              type="date"
              value={receivedOn}
              onChange={(e) => setReceivedOn(e.currentTarget.value)}
            />
            <TextInput
              label="Language"
              description="To answer in (en, fr, de…)"
              maxLength={20}
              value={language}
              onChange={(e) => setLanguage(e.currentTarget.value)}
            />
          </Group>
          <Textarea
            label="What they asked"
            autosize
            minRows={2}
            maxLength={10_000}
            value={message}
            onChange={(e) => setMessage(e.currentTarget.value)}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Log request
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
