import { Button, Checkbox, Group, Select, SimpleGrid, Stack, Textarea, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import {
  exemptionLabels,
  ifMatch,
  incidentsKey,
  levelLabels,
  natureLabels,
  type Incident,
  type IncidentPatch,
} from './incidents-query.ts';

type Nature = Incident['nature'][number];
type Level = 1 | 2 | 3 | 4;
const levelOptions = ([1, 2, 3, 4] as const).map((l) => ({ value: String(l), label: levelLabels[l] }));

/** The facts staff write and the risk assessment (likelihood x severity) of an open incident, saved with If-Match. */
export function IncidentEditForm({ incident }: { incident: Incident }) {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const [v, setV] = useState({
    nature: [...incident.nature] as Nature[],
    description: incident.description,
    consequences: incident.consequences,
    measuresTaken: incident.measuresTaken,
    measuresProposed: incident.measuresProposed,
    adviceToPeople: incident.adviceToPeople,
    likelihood: incident.likelihood === null ? null : String(incident.likelihood),
    severity: incident.severity === null ? null : String(incident.severity),
    art34Exemption: incident.art34Exemption as string | null,
    noNotificationReason: incident.noNotificationReason,
    lateReason: incident.lateReason,
  });
  const set = <K extends keyof typeof v>(key: K, value: (typeof v)[K]) =>
    setV((prev) => ({ ...prev, [key]: value }));
  const save = useMutation({
    mutationFn: () => {
      const patch: IncidentPatch = {
        nature: v.nature,
        description: v.description,
        consequences: v.consequences,
        measuresTaken: v.measuresTaken,
        measuresProposed: v.measuresProposed,
        adviceToPeople: v.adviceToPeople,
        likelihood: v.likelihood === null ? null : (Number(v.likelihood) as Level),
        severity: v.severity === null ? null : (Number(v.severity) as Level),
        art34Exemption: v.art34Exemption as Incident['art34Exemption'],
        noNotificationReason: v.noNotificationReason,
        lateReason: v.lateReason,
      };
      return body(
        api.PATCH('/api/v1/incidents/{id}', {
          params: { path: { id: incident.id }, header: ifMatch(incident.version) },
          body: patch,
        }),
      );
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: incidentsKey });
    },
  });
  const disabled = incident.status === 'closed';
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <Stack>
        <ProblemAlert error={save.error} />
        <Checkbox.Group label="Nature" value={v.nature} onChange={(n) => set('nature', n as Nature[])}>
          <Group mt="xs">
            {(Object.keys(natureLabels) as Nature[]).map((n) => (
              <Checkbox key={n} value={n} label={natureLabels[n]} disabled={disabled} />
            ))}
          </Group>
        </Checkbox.Group>
        <Textarea
          label="What happened (no names)"
          autosize
          minRows={2}
          value={v.description}
          onChange={(e) => set('description', e.currentTarget.value)}
          disabled={disabled}
        />
        <Textarea
          label="Likely consequences for the people"
          autosize
          minRows={2}
          value={v.consequences}
          onChange={(e) => set('consequences', e.currentTarget.value)}
          disabled={disabled}
        />
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          <Textarea
            label="Measures taken"
            autosize
            minRows={2}
            value={v.measuresTaken}
            onChange={(e) => set('measuresTaken', e.currentTarget.value)}
            disabled={disabled}
          />
          <Textarea
            label="Measures proposed"
            autosize
            minRows={2}
            value={v.measuresProposed}
            onChange={(e) => set('measuresProposed', e.currentTarget.value)}
            disabled={disabled}
          />
        </SimpleGrid>
        <Textarea
          label="What the people can do (for the letter)"
          autosize
          minRows={2}
          value={v.adviceToPeople}
          onChange={(e) => set('adviceToPeople', e.currentTarget.value)}
          disabled={disabled}
        />
        <SimpleGrid cols={{ base: 1, md: 3 }}>
          <Select
            label="Likelihood"
            data={levelOptions}
            value={v.likelihood}
            onChange={(l) => set('likelihood', l)}
            clearable
            disabled={disabled}
          />
          <Select
            label="Severity"
            data={levelOptions}
            value={v.severity}
            onChange={(l) => set('severity', l)}
            clearable
            disabled={disabled}
          />
          <Select
            label="Art. 34(3) exemption"
            data={Object.entries(exemptionLabels).map(([value, label]) => ({ value, label }))}
            value={v.art34Exemption}
            onChange={(x) => set('art34Exemption', x)}
            clearable
            disabled={disabled}
          />
        </SimpleGrid>
        {incident.assessment.level === 'none' || v.noNotificationReason ? (
          <TextInput
            label="Why the authority is not notified"
            value={v.noNotificationReason}
            onChange={(e) => set('noNotificationReason', e.currentTarget.value)}
            disabled={disabled}
          />
        ) : null}
        {incident.clock.lateReasonRequired || v.lateReason ? (
          <Textarea
            label="Reasons for notifying after 72 hours (Art. 33(1))"
            autosize
            value={v.lateReason}
            onChange={(e) => set('lateReason', e.currentTarget.value)}
            disabled={disabled}
          />
        ) : null}
        {disabled ? null : (
          <Group justify="flex-end">
            <Button type="submit" loading={save.isPending}>
              Save
            </Button>
          </Group>
        )}
      </Stack>
    </form>
  );
}
