import { Alert, Paper, Stack, Text, Title } from '@mantine/core';
import type { FulfilmentPanelProps } from './fulfilment-query.ts';
import { ErasureActions } from './erasure-actions.tsx';
import { ExportActions } from './export-actions.tsx';
import { ObjectionActions } from './objection-actions.tsx';
import { RectificationReview } from './rectification-review.tsx';
import { ConsentWithdrawalAction } from './consent-withdrawal-action.tsx';
import { RestrictionActions } from './restriction-actions.tsx';

const closed = new Set(['completed', 'refused', 'cancelled']);

/**
 * The fulfilment panel of a request's detail page: per type, build the export (and release it after review), review
 * a rectification, preview and run an erasure, restrict and lift with a notice, record objections and their
 * assessment, withdraw consent. Shown to users with `requests:write`; every action sends the request's version.
 */
export function FulfilmentPanel({ request, onChanged }: FulfilmentPanelProps) {
  const isClosed = closed.has(request.status);
  let body: React.ReactNode;
  if (request.status === 'received' || request.status === 'identity_unverified') {
    body = (
      <Text size="sm">
        Verify the requester's identity first: nothing is fulfilled for an unverified request.
      </Text>
    );
  } else if (request.personId === null) {
    body = <Text size="sm">Link the request to a person first (nobody held matched the requester).</Text>;
  } else if (isClosed && request.type !== 'restriction' && request.type !== 'erasure') {
    // Restriction: lifting follows completion. Erasure: its own component keeps the certificate shown after completion.
    body = <Text size="sm">This request is {request.status}: nothing left to fulfil.</Text>;
  } else {
    const props = { request, onChanged };
    switch (request.type) {
      case 'access':
      case 'portability':
        body = <ExportActions {...props} />;
        break;
      case 'rectification':
        body = <RectificationReview {...props} />;
        break;
      case 'erasure':
        body = <ErasureActions {...props} />;
        break;
      case 'restriction':
        body = <RestrictionActions {...props} />;
        break;
      case 'objection':
        body = <ObjectionActions {...props} />;
        break;
      case 'consent_withdrawal':
        body = <ConsentWithdrawalAction {...props} />;
        break;
    }
  }
  return (
    <Paper withBorder p="md" radius="md">
      <Stack gap="sm">
        <Title order={2} size="h4">
          Fulfilment
        </Title>
        {request.status === 'refused' && request.refusalReason ? (
          <Alert color="orange">{request.refusalReason}</Alert>
        ) : null}
        {body}
      </Stack>
    </Paper>
  );
}
