import { Alert, Button, Group, Select, Stack, Text } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';

type Kind = 'access' | 'portability';
type Format = 'zip' | 'json' | 'html';

const kinds = [
  { value: 'access', label: 'Access (Art. 15): everything we hold' },
  { value: 'portability', label: 'Portability (Art. 20): what the person provided' },
];
const formats = [
  { value: 'zip', label: 'Zip: JSON, one CSV per part, readable summary' },
  { value: 'json', label: 'JSON document' },
  { value: 'html', label: 'Readable summary (HTML)' },
];
const languages = [
  { value: 'auto', label: 'The person’s (last used), else English' },
  { value: 'en', label: 'English' },
  { value: 'fr', label: 'Français' },
  { value: 'de', label: 'Deutsch' },
];
const extensions: Record<Format, string> = { zip: 'zip', json: 'json', html: 'html' };

/** Saves a blob as a download. */
function download(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * The "Access export" panel of a person's page: downloads the person's access or portability export (zip, JSON or the
 * readable summary in their language) under a chosen purpose. The server runs it through the gate and audits it; the
 * panel says how many records name other people and need review before the export is released to the person.
 *
 * @example
 * <AccessExportPanel recordId={person.id} />
 */
export function AccessExportPanel({ recordId }: { recordId: string }) {
  const { api } = useApi();
  const [kind, setKind] = useState<Kind>('access');
  const [format, setFormat] = useState<Format>('zip');
  const [language, setLanguage] = useState('auto');
  const [purpose, setPurpose] = useState<string | null>(null);
  const purposes = useQuery({ queryKey: ['purposes'], queryFn: () => body(api.GET('/api/v1/purposes')) });
  const run = useMutation({
    mutationFn: async () => {
      const { data, response } = await api.GET('/api/v1/people/{id}/access-export', {
        params: {
          path: { id: recordId },
          query: { kind, format, ...(language === 'auto' ? {} : { language }) },
        },
        ...(purpose ? { headers: { 'Custodian-Purpose': purpose } } : {}),
        parseAs: 'blob',
      });
      return {
        blob: data as Blob,
        flagged: Number(response.headers.get('custodian-flagged-for-review') ?? '0'),
      };
    },
    onSuccess: ({ blob }) => download(blob, `${kind}-export.${extensions[format]}`),
  });
  return (
    <Stack gap="xs" data-testid="access-export-panel">
      <Text size="sm" c="dimmed">
        A copy of this person&apos;s data for an access or portability request. Checked against the purpose
        and recorded in the audit log.
      </Text>
      <Group grow align="flex-end">
        <Select
          label="Kind"
          data={kinds}
          value={kind}
          onChange={(v) => setKind(v === 'portability' ? 'portability' : 'access')}
          allowDeselect={false}
        />
        <Select
          label="Format"
          data={formats}
          value={format}
          onChange={(v) => setFormat((v as Format | null) ?? 'zip')}
          allowDeselect={false}
        />
        <Select
          label="Language of the summary"
          data={languages}
          value={language}
          onChange={(v) => setLanguage(v ?? 'auto')}
          allowDeselect={false}
        />
        <Select
          label="Purpose"
          placeholder="Your default purpose"
          data={(purposes.data?.items ?? [])
            .filter((p) => p.active)
            .map((p) => ({ value: p.key, label: p.name }))}
          value={purpose}
          onChange={setPurpose}
          clearable
        />
      </Group>
      <ProblemAlert error={run.error} />
      {run.data && run.data.flagged > 0 ? (
        <Alert color="yellow" title="Review before release">
          {run.data.flagged} record(s) also concern other people. Check them before the export goes to the
          person.
        </Alert>
      ) : null}
      <Group>
        <Button onClick={() => run.mutate()} loading={run.isPending}>
          Access export
        </Button>
      </Group>
    </Stack>
  );
}
