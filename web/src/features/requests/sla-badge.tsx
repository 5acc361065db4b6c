import { Badge } from '@mantine/core';
import { slaLabels, type DsRequest } from './requests-query.ts';

/** The SLA indicator of a request as a coloured badge. */
export function SlaBadge({ sla }: { sla: DsRequest['sla'] }) {
  const { label, color } = slaLabels[sla];
  return (
    <Badge color={color} variant={sla === 'overdue' ? 'filled' : 'light'} data-testid="request-sla">
      {label}
    </Badge>
  );
}
