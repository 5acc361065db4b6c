import {
  Button,
  Card,
  Group,
  JsonInput,
  NumberInput,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import type { RequestBody, Success } from '../../api/api-types.ts';
import { PageHeader } from '../../app/page-header.tsx';
import { PageLoader } from '../../app/page-loader.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { useSession } from '../../app/session.tsx';

type Setting = Success<'/api/v1/settings', 'get'>['items'][number];
type SettingsChange = RequestBody<'/api/v1/settings', 'patch'>;

const settingsQueryKey = ['settings'] as const;

/** A readable label from a setting key: `session.idleMinutes` → "Session · idle minutes". */
function labelOf(key: string): string {
  return key
    .split('.')
    .map((part) =>
      part
        .replace(/([a-z])([A-Z])/g, '$1 $2')
        .replace(/[_-]/g, ' ')
        .toLowerCase(),
    )
    .map((part, i) => (i === 0 ? part.charAt(0).toUpperCase() + part.slice(1) : part))
    .join(' · ');
}

/**
 * Workspace settings: each value edited with the input its type calls for; only changed values are sent.
 * Read-only without `settings:write`.
 */
export function SettingsPage() {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const session = useSession();
  const canWrite = session.status === 'signed-in' && session.permissions.has('settings:write');
  const settings = useQuery({ queryKey: settingsQueryKey, queryFn: () => body(api.GET('/api/v1/settings')) });
  const [draft, setDraft] = useState<Record<string, unknown>>({});
  const [invalid, setInvalid] = useState<ReadonlySet<string>>(new Set());

  useEffect(() => {
    if (settings.data) setDraft(Object.fromEntries(settings.data.items.map((s) => [s.key, s.value])));
  }, [settings.data]);

  const original = new Map((settings.data?.items ?? []).map((s) => [s.key, s.value]));
  const changed = Object.keys(draft).filter(
    (k) => JSON.stringify(draft[k]) !== JSON.stringify(original.get(k)),
  );

  const save = useMutation({
    mutationFn: () => {
      const change = Object.fromEntries(changed.map((k) => [k, draft[k]])) as SettingsChange;
      return body(api.PATCH('/api/v1/settings', { body: change }));
    },
    onSuccess: async (result) => {
      queryClient.setQueryData(settingsQueryKey, result);
      notifications.show({ color: 'green', message: 'Settings saved.' });
      await queryClient.invalidateQueries({ queryKey: settingsQueryKey });
    },
  });

  const set = (key: string, value: unknown) => setDraft((d) => ({ ...d, [key]: value }));
  const markInvalid = (key: string, bad: boolean) =>
    setInvalid((current) => {
      const next = new Set(current);
      if (bad) next.add(key);
      else next.delete(key);
      return next;
    });

  return (
    <>
      <PageHeader
        title="Settings"
        description="How this workspace behaves. Private by default: change with care."
      />
      <ProblemAlert error={settings.error} />
      {settings.isPending ? (
        <PageLoader />
      ) : settings.data && settings.data.items.length === 0 ? (
        <Text>No settings yet.</Text>
      ) : settings.data ? (
        <Card withBorder padding="lg">
          <Table verticalSpacing="sm" aria-label="Settings">
            <Table.Tbody>
              {settings.data.items.map((setting) => (
                <Table.Tr key={setting.key}>
                  <Table.Td w="40%">
                    <Text fw={500} size="sm" id={`setting-${setting.key}`}>
                      {labelOf(setting.key)}
                    </Text>
                    <Text size="xs" c="dimmed" ff="monospace">
                      {setting.key}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <SettingInput
                      setting={setting}
                      value={draft[setting.key]}
                      disabled={!canWrite}
                      onChange={(v) => set(setting.key, v)}
                      onValidity={(ok) => markInvalid(setting.key, !ok)}
                    />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {canWrite ? (
            <Stack mt="md">
              <ProblemAlert error={save.error} />
              <Group justify="flex-end">
                <Button
                  variant="default"
                  disabled={changed.length === 0}
                  onClick={() => setDraft(Object.fromEntries(original))}
                >
                  Undo changes
                </Button>
                <Button
                  onClick={() => save.mutate()}
                  disabled={changed.length === 0 || invalid.size > 0}
                  loading={save.isPending}
                >
                  Save {changed.length > 0 ? `(${changed.length})` : ''}
                </Button>
              </Group>
            </Stack>
          ) : (
            <Text size="sm" c="dimmed" mt="md">
              Your role can read the settings but not change them.
            </Text>
          )}
        </Card>
      ) : null}
    </>
  );
}

function SettingInput({
  setting,
  value,
  disabled,
  onChange,
  onValidity,
}: {
  setting: Setting;
  value: unknown;
  disabled: boolean;
  onChange: (value: unknown) => void;
  onValidity: (ok: boolean) => void;
}) {
  const labelledBy = `setting-${setting.key}`;
  const [jsonText, setJsonText] = useState(() => JSON.stringify(setting.value, null, 2));
  if (typeof setting.value === 'boolean') {
    return (
      <Switch
        aria-labelledby={labelledBy}
        checked={value === true}
        disabled={disabled}
        onChange={(e) => onChange(e.currentTarget.checked)}
      />
    );
  }
  if (typeof setting.value === 'number') {
    return (
      <NumberInput
        aria-labelledby={labelledBy}
        value={typeof value === 'number' ? value : ''}
        disabled={disabled}
        maw={200}
        onChange={(v) => onChange(typeof v === 'number' ? v : Number(v))}
      />
    );
  }
  if (typeof setting.value === 'string') {
    return (
      <TextInput
        aria-labelledby={labelledBy}
        value={typeof value === 'string' ? value : ''}
        disabled={disabled}
        maxLength={2000}
        onChange={(e) => onChange(e.currentTarget.value)}
      />
    );
  }
  return (
    <JsonInput
      aria-labelledby={labelledBy}
      value={jsonText}
      disabled={disabled}
      autosize
      minRows={2}
      validationError="Not valid JSON"
      onChange={(text) => {
        setJsonText(text);
        try {
          onChange(JSON.parse(text));
          onValidity(true);
        } catch {
          onValidity(false);
        }
      }}
    />
  );
}
