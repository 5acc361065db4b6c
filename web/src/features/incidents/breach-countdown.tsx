import { Badge } from '@mantine/core';
import { useEffect, useState } from 'react';
import { clockStateLabels, formatRemaining, type Incident } from './incidents-query.ts';

/**
 * The live 72-hour countdown of an incident. It starts from the server's `remainingMs` (the server's clock decides)
 * and counts down locally every second until the next read.
 *
 * @example
 * <BreachCountdown clock={incident.clock} />
 */
export function BreachCountdown({ clock }: { clock: Incident['clock'] }) {
  const [readAt] = useState(() => Date.now());
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (clock.remainingMs === null) return undefined;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [clock.remainingMs]);
  if (clock.remainingMs === null) {
    return (
      <Badge color={clock.state === 'late' ? 'orange' : 'green'} variant="light" data-testid="breach-clock">
        {clockStateLabels[clock.state]}
      </Badge>
    );
  }
  const left = clock.remainingMs - (now - readAt);
  return (
    <Badge
      color={left < 0 ? 'red' : left < 24 * 3_600_000 ? 'orange' : 'blue'}
      variant="filled"
      data-testid="breach-clock"
      title={`Deadline ${clock.deadline}`}
    >
      {formatRemaining(left)}
    </Badge>
  );
}
