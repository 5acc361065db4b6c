import { Badge } from '@mantine/core';
import { severityColors, statusLabels, type Alert } from './alerts-query.ts';

/** An alert's severity as a coloured badge. */
export function SeverityBadge({ severity }: { severity: Alert['severity'] }) {
  return (
    <Badge color={severityColors[severity]} variant={severity === 'low' ? 'light' : 'filled'}>
      {severity}
    </Badge>
  );
}

/** An alert's status as a badge. */
export function StatusBadge({ status }: { status: Alert['status'] }) {
  const color = status === 'open' ? 'red' : status === 'acknowledged' ? 'blue' : 'gray';
  return (
    <Badge color={color} variant="light">
      {statusLabels[status]}
    </Badge>
  );
}
