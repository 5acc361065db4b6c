import { Alert, Badge, Button, Checkbox, Group, List, MultiSelect, Select, SimpleGrid, Stack, Stepper, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { body } from '../../api/api-client.ts';
import { useApi } from '../../api/api-context.tsx';
import { ProblemAlert } from '../../app/problem-alert.tsx';
import { dpiaBodyOf, dpiaValuesOf, riskLevels, type DpiaValues } from './dpia-form-values.ts';
import { criterionLabels, governanceKey, ifMatch, levelLabels, riskLabels, type Dpia } from './governance-query.ts';
import { RiskMap } from './risk-map.tsx';

const levelOptions = [1, 2, 3, 4].map((n) => ({ value: String(n), label: levelLabels[n] ?? String(n) }));
const riskKeys = Object.keys(riskLabels) as (keyof Dpia['risks'])[];

/**
 * The DPIA wizard through the CNIL sections: context, principles, the three risks, validation (risk map, action plan,
 * DPO opinion, review date) and sign-off. Each step saves the draft; a signed DPIA is shown read-only with its review.
 */
export function DpiaWizard({
  dpia,
  canWrite,
  step,
  onStepChange,
}: {
  dpia: Dpia;
  canWrite: boolean;
  /** The open section, kept by the page so that it survives the reload after a save. */
  step: number;
  onStepChange: (step: number) => void;
}) {
  const { api } = useApi();
  const queryClient = useQueryClient();
  const form = useForm<DpiaValues>({ initialValues: dpiaValuesOf(dpia) });
  const editable = canWrite && dpia.status === 'draft';
  const purposes = useQuery({ queryKey: ['purposes'], queryFn: () => body(api.GET('/api/v1/purposes')) });
  const categories = useQuery({ queryKey: ['catalogue', 'categories'], queryFn: () => body(api.GET('/api/v1/catalogue/categories')) });
  const users = useQuery({
    queryKey: ['users', 'dpia-owners'],
    queryFn: () => body(api.GET('/api/v1/users', { params: { query: { limit: 200 } } })),
    enabled: canWrite,
  });
  const done = async (d: Dpia, message: string) => {
    notifications.show({ color: 'green', message });
    queryClient.setQueryData([...governanceKey, 'dpias', d.id], d);
    await queryClient.invalidateQueries({ queryKey: governanceKey });
  };
  const save = useMutation({
    mutationFn: (v: DpiaValues) =>
      body(api.PUT('/api/v1/governance/dpias/{id}', { body: dpiaBodyOf(v), params: { path: { id: dpia.id }, header: ifMatch(dpia.version) } })),
    onSuccess: (d) => done(d, d.missing.length === 0 ? 'Draft saved: ready to sign.' : `Draft saved (${d.missing.length} items missing).`),
  });
  const sign = useMutation({
    mutationFn: () => body(api.POST('/api/v1/governance/dpias/{id}/sign', { params: { path: { id: dpia.id }, header: ifMatch(dpia.version) } })),
    onSuccess: (d) => done(d, 'DPIA signed.'),
  });
  const [nextReviewOn, setNextReviewOn] = useState('');
  const review = useMutation({
    mutationFn: (outcome: 'confirmed' | 'reopened') =>
      body(api.POST('/api/v1/governance/dpias/{id}/review', { body: { outcome, nextReviewOn }, params: { path: { id: dpia.id }, header: ifMatch(dpia.version) } })),
    onSuccess: (d) => done(d, d.status === 'draft' ? 'DPIA reopened as a draft.' : 'Review recorded.'),
  });
  const userOptions = (users.data?.items ?? []).map((u) => ({ value: u.id, label: u.name }));
  const saveButton = editable ? (
    <Button onClick={() => save.mutate(form.values)} loading={save.isPending} variant="light">
      Save draft
    </Button>
  ) : null;

  return (
    <Stack>
      {dpia.review.needed ? (
        <Alert color="orange" title="Review needed" data-testid="dpia-review-needed">
          <List size="sm">
            {dpia.review.reasons.map((r) => (
              <List.Item key={r}>{r}</List.Item>
            ))}
          </List>
        </Alert>
      ) : null}
      <ProblemAlert error={save.error ?? sign.error ?? review.error} />
      <Stepper active={step} onStepClick={onStepChange} allowNextStepsSelect size="sm">
        <Stepper.Step label="Context" description="Processing, purposes, data">
          <Stack mt="md">
            <TextInput label="Title" disabled={!editable} {...form.getInputProps('title')} />
            <Checkbox.Group
              label={`High-risk criteria (WP248) — ${form.values.criteria.length} met: a DPIA is ${form.values.criteria.length >= 2 ? 'recommended' : 'not required by the criteria'}`}
              {...form.getInputProps('criteria')}
            >
              <SimpleGrid cols={{ base: 1, sm: 3 }} mt={6}>
                {Object.entries(criterionLabels).map(([value, label]) => (
                  <Checkbox key={value} value={value} label={label} disabled={!editable} />
                ))}
              </SimpleGrid>
            </Checkbox.Group>
            <Textarea label="Processing described" autosize minRows={3} disabled={!editable} {...form.getInputProps('description')} />
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <MultiSelect label="Purposes covered" searchable data={(purposes.data?.items ?? []).map((p) => ({ value: p.key, label: p.name }))} disabled={!editable} {...form.getInputProps('purposeKeys')} />
              <MultiSelect label="Data categories" searchable data={(categories.data?.items ?? []).map((c) => ({ value: c.key, label: `${c.name} (${c.key})` }))} disabled={!editable} {...form.getInputProps('dataCategories')} />
            </SimpleGrid>
            <Textarea label="Retention" autosize disabled={!editable} {...form.getInputProps('retention')} />
            <Textarea label="Supporting assets" autosize disabled={!editable} {...form.getInputProps('supportingAssets')} />
            <Group>{saveButton}</Group>
          </Stack>
        </Stepper.Step>
        <Stepper.Step label="Principles" description="Necessity, rights">
          <Stack mt="md">
            <Textarea label="Necessity and proportionality" autosize minRows={3} disabled={!editable} {...form.getInputProps('necessityAndProportionality')} />
            <Textarea label="Measures protecting the rights of data subjects" autosize minRows={3} disabled={!editable} {...form.getInputProps('rightsMeasures')} />
            <Group>{saveButton}</Group>
          </Stack>
        </Stepper.Step>
        <Stepper.Step label="Risks" description="Three feared events">
          <Stack mt="md">
            {riskKeys.map((k) => (
              <Stack key={k} gap="xs" data-testid={`risk-${k}`}>
                <Title order={3} size="h5">
                  {riskLabels[k]}
                </Title>
                <Text size="xs" c="dimmed">
                  Lists: one entry per line.
                </Text>
                <SimpleGrid cols={{ base: 1, sm: 3 }}>
                  <Textarea label="Impacts" autosize disabled={!editable} {...form.getInputProps(`risks.${k}.impacts`)} />
                  <Textarea label="Threats" autosize disabled={!editable} {...form.getInputProps(`risks.${k}.threats`)} />
                  <Textarea label="Sources" autosize disabled={!editable} {...form.getInputProps(`risks.${k}.sources`)} />
                  <Textarea label="Existing measures" autosize disabled={!editable} {...form.getInputProps(`risks.${k}.existingMeasures`)} />
                  <Textarea label="Planned measures" autosize disabled={!editable} {...form.getInputProps(`risks.${k}.plannedMeasures`)} />
                  <Group grow>
                    <Select label="Severity" data={levelOptions} disabled={!editable} {...form.getInputProps(`risks.${k}.severity`)} />
                    <Select label="Likelihood" data={levelOptions} disabled={!editable} {...form.getInputProps(`risks.${k}.likelihood`)} />
                  </Group>
                </SimpleGrid>
              </Stack>
            ))}
            <Group>{saveButton}</Group>
          </Stack>
        </Stepper.Step>
        <Stepper.Step label="Validation" description="Map, plan, DPO">
          <Stack mt="md">
            <Title order={3} size="h5">
              Risk map
            </Title>
            <RiskMap risks={riskLevels(form.values)} />
            <Title order={3} size="h5">
              Action plan
            </Title>
            {form.values.actionPlan.map((_, i) => (
              <Group key={i} align="flex-end" wrap="wrap">
                <TextInput label="Measure" disabled={!editable} {...form.getInputProps(`actionPlan.${i}.measure`)} style={{ flex: 2 }} />
                <Select label="Owner" data={userOptions} disabled={!editable} {...form.getInputProps(`actionPlan.${i}.ownerUserId`)} />
                <TextInput label="Due" type="date" disabled={!editable} {...form.getInputProps(`actionPlan.${i}.dueOn`)} />
                <Select
                  label="Status"
                  data={[
                    { value: 'planned', label: 'Planned' },
                    { value: 'in_progress', label: 'In progress' },
                    { value: 'done', label: 'Done' },
                  ]}
                  disabled={!editable}
                  {...form.getInputProps(`actionPlan.${i}.status`)}
                />
                {editable ? (
                  <Button variant="subtle" color="red" onClick={() => form.removeListItem('actionPlan', i)}>
                    Remove
                  </Button>
                ) : null}
              </Group>
            ))}
            {editable ? (
              <Group>
                <Button variant="default" onClick={() => form.insertListItem('actionPlan', { measure: '', ownerUserId: '', dueOn: '', status: 'planned' })}>
                  Add action
                </Button>
              </Group>
            ) : null}
            <Textarea label="DPO's opinion" autosize minRows={2} disabled={!editable} {...form.getInputProps('dpoOpinion')} />
            <TextInput label="Next review" type="date" disabled={!editable} {...form.getInputProps('reviewOn')} />
            <Group>{saveButton}</Group>
          </Stack>
        </Stepper.Step>
        <Stepper.Step label="Sign-off" description="Validate">
          <Stack mt="md">
            {dpia.status === 'signed' ? (
              <Text data-testid="dpia-signed">
                Signed on {dpia.signedAt} <Badge color="green">Signed</Badge>
              </Text>
            ) : dpia.missing.length > 0 ? (
              <Stack gap={4} data-testid="dpia-missing">
                <Text size="sm" fw={500}>
                  Still missing before it can be signed (saved version):
                </Text>
                <List size="sm">
                  {dpia.missing.map((m) => (
                    <List.Item key={m}>
                      <code>{m}</code>
                    </List.Item>
                  ))}
                </List>
              </Stack>
            ) : (
              <Text size="sm">Everything is filled in.</Text>
            )}
            {canWrite && dpia.status === 'draft' ? (
              <Group>
                {saveButton}
                <Button onClick={() => sign.mutate()} loading={sign.isPending} disabled={form.isDirty()}>
                  Sign DPIA
                </Button>
                {form.isDirty() ? <Text size="xs" c="dimmed">Save the draft before signing.</Text> : null}
              </Group>
            ) : null}
            {canWrite && dpia.status === 'signed' ? (
              <Group align="flex-end">
                <TextInput label="Next review" type="date" value={nextReviewOn} onChange={(e) => setNextReviewOn(e.currentTarget.value)} />
                <Button variant="light" onClick={() => review.mutate('confirmed')} disabled={!nextReviewOn} loading={review.isPending}>
                  Confirm after review
                </Button>
                <Button variant="default" onClick={() => review.mutate('reopened')} disabled={!nextReviewOn}>
                  Reopen as draft
                </Button>
              </Group>
            ) : null}
          </Stack>
        </Stepper.Step>
      </Stepper>
    </Stack>
  );
}
