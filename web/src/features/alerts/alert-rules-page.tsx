import {
  Button,
  Card,
  Checkbox,
  Group,
  MultiSelect,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { PageHeader } from '../../app/page-header.tsx';
import { PageLoader } from '../../app/page-loader.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { useSession } from '../../app/session.tsx';
import { alertsKey, ifMatch, ruleLabels, type AlertRules } from './alerts-query.ts';

type RuleKey = keyof AlertRules['rules'];
type RuleSettings = Record<string, number | boolean | string>;

const weekdays = [
  { value: 1, label: 'Mon' },
  { value: 2, label: 'Tue' },
  { value: 3, label: 'Wed' },
  { value: 4, label: 'Thu' },
  { value: 5, label: 'Fri' },
  { value: 6, label: 'Sat' },
  { value: 7, label: 'Sun' },
];

const numberLabels: Record<string, { label: string; description: string; step?: number }> = {
  minimum: { label: 'Minimum per hour', description: 'Never fires below this many records in an hour' },
  deviations: {
    label: 'Deviations',
    description: 'How far above the usual busy hour (mean + k × sd)',
    step: 0.5,
  },
  baselineDays: { label: 'Baseline days', description: 'History the usual volume is learnt from' },
  threshold: { label: 'Threshold', description: 'Events within the window that fire the rule' },
  windowMinutes: { label: 'Window (minutes)', description: 'Repeats within it group into one alert' },
};

function RuleCard({
  ruleKey,
  description,
  settings,
  onChange,
  readOnly,
}: {
  ruleKey: RuleKey;
  description: string;
  settings: RuleSettings;
  onChange: (next: RuleSettings) => void;
  readOnly: boolean;
}) {
  const numbers = Object.keys(settings).filter((k) => k in numberLabels);
  return (
    <Card withBorder data-testid={`rule-${ruleKey}`}>
      <Group justify="space-between" mb="xs">
        <Title order={3} size="h5">
          {ruleLabels[ruleKey]}
        </Title>
        <Switch
          label="On"
          checked={settings.enabled === true}
          disabled={readOnly}
          onChange={(e) => onChange({ ...settings, enabled: e.currentTarget.checked })}
        />
      </Group>
      <Text size="sm" c="dimmed" mb="sm">
        {description}
      </Text>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <Select
          label="Severity"
          data={['low', 'medium', 'high', 'critical']}
          value={String(settings.severity)}
          disabled={readOnly}
          allowDeselect={false}
          onChange={(v) => onChange({ ...settings, severity: v ?? 'medium' })}
        />
        {numbers.map((k) => (
          <NumberInput
            key={k}
            label={numberLabels[k]!.label}
            description={numberLabels[k]!.description}
            value={Number(settings[k])}
            step={numberLabels[k]!.step ?? 1}
            disabled={readOnly}
            onChange={(v) => onChange({ ...settings, [k]: typeof v === 'number' ? v : Number(v) })}
          />
        ))}
      </SimpleGrid>
    </Card>
  );
}

/** The workspace's detector settings: working hours, who is emailed, and each rule's switch and thresholds. */
export function AlertRulesPage() {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const session = useSession();
  const canWrite = session.status === 'signed-in' && session.permissions.has('monitoring:write');
  const canReadRoles = session.status === 'signed-in' && session.permissions.has('roles:read');
  const current = useQuery({
    queryKey: [...alertsKey, 'rules'],
    queryFn: () => body(api.GET('/api/v1/alert-rules')),
  });
  const roles = useQuery({
    queryKey: ['roles'],
    queryFn: () => body(api.GET('/api/v1/roles')),
    enabled: canReadRoles,
  });
  const [draft, setDraft] = useState<AlertRules | undefined>(undefined);
  useEffect(() => {
    if (current.data) setDraft(current.data);
  }, [current.data]);
  const save = useMutation({
    mutationFn: (d: AlertRules) =>
      body(
        api.PUT('/api/v1/alert-rules', {
          params: { header: ifMatch(d.version) },
          body: {
            timezone: d.timezone,
            workingHours: d.workingHours,
            notifyRoles: d.notifyRoles,
            rules: d.rules,
          },
        }),
      ),
    onSuccess: async (saved) => {
      setDraft(saved);
      await queryClient.invalidateQueries({ queryKey: alertsKey });
    },
  });
  if (current.isPending || !draft)
    return current.error ? <ProblemAlert error={current.error} /> : <PageLoader />;
  const roleOptions = (roles.data?.items ?? []).map((r) => ({ value: r.key, label: r.name }));
  for (const key of draft.notifyRoles)
    if (!roleOptions.some((o) => o.value === key)) roleOptions.push({ value: key, label: key });
  const setRule = (key: RuleKey, next: RuleSettings) =>
    setDraft({ ...draft, rules: { ...draft.rules, [key]: next } as AlertRules['rules'] });
  return (
    <>
      <PageHeader
        title="Alert rules"
        description="What the anomaly detector watches in the audit log, when people are expected to work, and who is emailed when an alert is raised."
      />
      <Stack>
        <Card withBorder>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              label="Time zone"
              description="IANA name, e.g. Europe/Paris"
              value={draft.timezone}
              disabled={!canWrite}
              onChange={(e) => setDraft({ ...draft, timezone: e.currentTarget.value })}
            />
            <MultiSelect
              label="Email alerts to"
              description="Users holding these roles"
              data={roleOptions}
              value={draft.notifyRoles}
              disabled={!canWrite}
              onChange={(v) => setDraft({ ...draft, notifyRoles: v })}
            />
            <TextInput
              label="Working hours start"
              description="HH:MM, local time"
              value={draft.workingHours.start}
              disabled={!canWrite}
              onChange={(e) =>
                setDraft({ ...draft, workingHours: { ...draft.workingHours, start: e.currentTarget.value } })
              }
            />
            <TextInput
              label="Working hours end"
              description="HH:MM; before the start for a night shift"
              value={draft.workingHours.end}
              disabled={!canWrite}
              onChange={(e) =>
                setDraft({ ...draft, workingHours: { ...draft.workingHours, end: e.currentTarget.value } })
              }
            />
          </SimpleGrid>
          <Checkbox.Group
            mt="sm"
            label="Working days"
            value={draft.workingHours.days.map(String)}
            onChange={(v) =>
              setDraft({ ...draft, workingHours: { ...draft.workingHours, days: v.map(Number).sort() } })
            }
          >
            <Group mt={4}>
              {weekdays.map((d) => (
                <Checkbox key={d.value} value={String(d.value)} label={d.label} disabled={!canWrite} />
              ))}
            </Group>
          </Checkbox.Group>
        </Card>
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          {(Object.keys(draft.rules) as RuleKey[]).map((key) => (
            <RuleCard
              key={key}
              ruleKey={key}
              description={draft.descriptions[key] ?? ''}
              settings={draft.rules[key] as RuleSettings}
              readOnly={!canWrite}
              onChange={(next) => setRule(key, next)}
            />
          ))}
        </SimpleGrid>
        <ProblemAlert error={save.error} title="The rules were not saved" />
        {canWrite ? (
          <Group>
            <Button loading={save.isPending} onClick={() => save.mutate(draft)}>
              Save rules
            </Button>
            {save.isSuccess ? <Text size="sm">Saved (version {draft.version}).</Text> : null}
          </Group>
        ) : null}
      </Stack>
    </>
  );
}
