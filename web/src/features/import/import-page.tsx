import { Anchor, Button, FileInput, Group, Progress, SegmentedControl, Select, Stack, Stepper, Table, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import type { RequestBody, Success } from '../../api/api-types.ts';
import { PageHeader } from '../../app/page-header.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { importFieldLabels, readCsvHeader, suggestField, type ImportField } from './csv-header.ts';
import { RecentImports } from './recent-imports.tsx';

type ImportRecord = Success<'/api/v1/imports/{id}', 'get'>;
type NewImport = RequestBody<'/api/v1/imports', 'post'>;

const ignored = '__ignore__';
const sources: { value: NewImport['source']; label: string }[] = [
  { value: 'import', label: 'Import file' },
  { value: 'event', label: 'Event' },
  { value: 'form', label: 'Form' },
  { value: 'provided', label: 'Provided by the person' },
  { value: 'referral', label: 'Referral' },
  { value: 'enrichment', label: 'Enrichment' },
];
const policies: { value: NonNullable<NewImport['onDuplicate']>; label: string }[] = [
  { value: 'skip', label: 'Skip' },
  { value: 'update', label: 'Update' },
  { value: 'create', label: 'Create anyway' },
];

/**
 * The import wizard: upload a CSV, map its columns to person fields, choose the purpose (the lawful basis of the whole
 * file), the source and what to do with duplicates, run it with a progress bar, and download the report of rejected
 * rows. The file goes to the server as `text/csv`; only its header line is read in the browser.
 */
export function ImportPage() {
  const { api } = useApi();
  const [step, setStep] = useState(0);
  const [file, setFile] = useState<File | null>(null);
  const [headers, setHeaders] = useState<string[]>([]);
  const [mapping, setMapping] = useState<Record<string, ImportField | typeof ignored>>({});
  const [purpose, setPurpose] = useState<string | null>('crm');
  const [source, setSource] = useState<NewImport['source']>('import');
  const [policy, setPolicy] = useState<NonNullable<NewImport['onDuplicate']>>('skip');
  const [country, setCountry] = useState('');
  const [importId, setImportId] = useState<string | null>(null);
  const [result, setResult] = useState<ImportRecord | null>(null);

  const purposes = useQuery({ queryKey: ['purposes'], queryFn: () => body(api.GET('/api/v1/purposes')) });
  // While the upload runs, the import's record shows how far it got.
  const progress = useQuery({
    queryKey: ['imports', importId],
    queryFn: () => body(api.GET('/api/v1/imports/{id}', { params: { path: { id: importId ?? '' } } })),
    enabled: importId !== null && result === null,
    refetchInterval: 500,
  });

  const chooseFile = async (next: File | null) => {
    setFile(next);
    if (!next) return;
    const found = await readCsvHeader(next);
    setHeaders(found);
    setMapping(Object.fromEntries(found.map((h) => [h, suggestField(h) ?? ignored])));
  };

  const run = useMutation({
    mutationFn: async () => {
      if (!file || !purpose) throw new Error('choose a file and a purpose');
      const chosen = Object.fromEntries(Object.entries(mapping).filter(([, f]) => f !== ignored)) as Record<string, ImportField>;
      const created = await body(
        api.POST('/api/v1/imports', {
          headers: { 'Custodian-Purpose': purpose },
          body: {
            source,
            onDuplicate: policy,
            mapping: chosen,
            ignoreUnknown: Object.values(mapping).includes(ignored),
            ...(country.trim() ? { defaultCountry: country.trim().toUpperCase() } : {}),
          },
        }),
      );
      setImportId(created.id);
      return body(
        api.PUT('/api/v1/imports/{id}/file', {
          params: { path: { id: created.id } },
          headers: { 'Content-Type': 'text/csv' },
          // The file goes as it is: the server streams and checks it.
          body: file as never,
          bodySerializer: (b: unknown) => b as BodyInit,
        }),
      );
    },
    onSuccess: (done) => setResult(done),
  });

  const fieldOptions = [
    { value: ignored, label: 'Do not import' },
    ...Object.entries(importFieldLabels).map(([value, label]) => ({ value, label })),
  ];
  const usedTwice = Object.values(mapping).filter((f) => f !== ignored).some((f, i, all) => all.indexOf(f) !== i);
  const current = result ?? progress.data;
  const total = current?.totalRows ?? 0;
  const done = current?.lastRow ?? 0;

  return (
    <>
      <PageHeader
        title="Import people"
        description="Bring people in from a CSV file. The whole file is imported under one purpose and source; rows that break the rules are reported, never stored."
      />
      <Stepper active={step} onStepClick={(s) => (s < step && !run.isPending && !result ? setStep(s) : undefined)} mb="lg">
        <Stepper.Step label="Upload" description="A CSV file">
          <Stack maw={520}>
            <FileInput label="CSV file" description="UTF-8, first row = column headers" accept=".csv,text/csv" value={file} onChange={(f) => void chooseFile(f)} clearable />
            <Group>
              <Button onClick={() => setStep(1)} disabled={!file || headers.length === 0}>
                Next: columns
              </Button>
            </Group>
          </Stack>
        </Stepper.Step>
        <Stepper.Step label="Columns" description="Map to person fields">
          <Stack maw={640}>
            <Table aria-label="Column mapping">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Column in the file</Table.Th>
                  <Table.Th>Person field</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {headers.map((h) => (
                  <Table.Tr key={h}>
                    <Table.Td>{h}</Table.Td>
                    <Table.Td>
                      <Select
                        aria-label={`Field for ${h}`}
                        data={fieldOptions}
                        value={mapping[h] ?? ignored}
                        onChange={(v) => setMapping({ ...mapping, [h]: (v ?? ignored) as ImportField | typeof ignored })}
                        allowDeselect={false}
                      />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            {usedTwice ? <Text c="red" size="sm">A person field can take one column only.</Text> : null}
            <Group>
              <Button variant="default" onClick={() => setStep(0)}>Back</Button>
              <Button onClick={() => setStep(2)} disabled={usedTwice || Object.values(mapping).every((f) => f === ignored)}>
                Next: settings
              </Button>
            </Group>
          </Stack>
        </Stepper.Step>
        <Stepper.Step label="Settings" description="Purpose, source, duplicates">
          <Stack maw={520}>
            <Select
              label="Purpose"
              description="The lawful basis of the whole file; it must be active and cover the mapped fields"
              data={(purposes.data?.items ?? []).filter((p) => p.active).map((p) => ({ value: p.key, label: `${p.name} (${p.key})` }))}
              value={purpose}
              onChange={setPurpose}
              allowDeselect={false}
            />
            <Select label="Source" description="Where the data was obtained (kept on every record)" data={sources} value={source} onChange={(v) => v && setSource(v as NewImport['source'])} allowDeselect={false} />
            <div>
              <Text size="sm" fw={500}>When the email or phone already exists</Text>
              <SegmentedControl aria-label="When the email or phone already exists" data={policies} value={policy} onChange={(v) => setPolicy(v as typeof policy)} />
            </div>
            <TextInput label="Country of national phone numbers" description="ISO code such as GB; leave empty when every number starts with +" value={country} onChange={(e) => setCountry(e.currentTarget.value)} maxLength={2} w={200} />
            <Group>
              <Button variant="default" onClick={() => setStep(1)}>Back</Button>
              <Button
                onClick={() => {
                  setStep(3);
                  run.mutate();
                }}
                disabled={!purpose}
              >
                Import
              </Button>
            </Group>
          </Stack>
        </Stepper.Step>
        <Stepper.Step label="Import" description="Progress and report">
          <Stack maw={640}>
            <ProblemAlert error={run.error} title="The import was refused" />
            {run.isPending || current ? (
              <>
                <Progress value={total > 0 ? (done / total) * 100 : run.isPending ? 5 : 100} aria-label="Import progress" animated={run.isPending} />
                <Text size="sm" aria-live="polite">
                  {total > 0 ? `${done.toLocaleString()} of ${total.toLocaleString()} rows` : 'Checking the file…'}
                </Text>
              </>
            ) : null}
            {result ? (
              <>
                <Table aria-label="Import summary" w={360}>
                  <Table.Tbody>
                    <Table.Tr><Table.Td>Created</Table.Td><Table.Td data-testid="count-created">{result.counts.created}</Table.Td></Table.Tr>
                    <Table.Tr><Table.Td>Updated</Table.Td><Table.Td data-testid="count-updated">{result.counts.updated}</Table.Td></Table.Tr>
                    <Table.Tr><Table.Td>Skipped as duplicates</Table.Td><Table.Td data-testid="count-skipped">{result.counts.skipped}</Table.Td></Table.Tr>
                    <Table.Tr><Table.Td>Suppressed (erased or objected)</Table.Td><Table.Td data-testid="count-suppressed">{result.counts.suppressed}</Table.Td></Table.Tr>
                    <Table.Tr><Table.Td>Rejected</Table.Td><Table.Td data-testid="count-rejected">{result.counts.rejected}</Table.Td></Table.Tr>
                  </Table.Tbody>
                </Table>
                {result.counts.rejected > 0 ? (
                  <Anchor href={`/api/v1/imports/${result.id}/report`} download>
                    Download the report of rejected rows
                  </Anchor>
                ) : null}
              </>
            ) : null}
          </Stack>
        </Stepper.Step>
      </Stepper>
      <RecentImports />
    </>
  );
}
