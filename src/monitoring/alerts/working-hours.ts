import type { AlertRuleSet } from './alert-rules.ts';

const weekdays: Readonly<Record<string, number>> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * Whether an instant falls within a workspace's working hours, in its time zone. A shift whose end is before its
 * start runs overnight and belongs to the day it starts on.
 *
 * @example
 * const within = createWorkingHours({ timezone: 'Europe/Paris', workingHours: { start: '08:00', end: '18:00', days: [1, 2, 3, 4, 5] } });
 * within(new Date('2026-03-02T23:30:00Z')); // false: 00:30 on a Tuesday in Paris
 */
export function createWorkingHours(
  set: Pick<AlertRuleSet, 'timezone' | 'workingHours'>,
): (at: Date) => boolean {
  const format = new Intl.DateTimeFormat('en-GB', {
    timeZone: set.timezone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const start = minutesOf(set.workingHours.start);
  const end = minutesOf(set.workingHours.end);
  const days = new Set(set.workingHours.days);
  return (at) => {
    let day = 0;
    let minute = 0;
    for (const part of format.formatToParts(at)) {
      if (part.type === 'weekday') day = weekdays[part.value] ?? 0;
      else if (part.type === 'hour') minute += Number(part.value) * 60;
      else if (part.type === 'minute') minute += Number(part.value);
    }
    if (start < end) return days.has(day) && minute >= start && minute < end;
    // Overnight shift: the evening part belongs to today, the morning part to yesterday's shift.
    const yesterday = day === 1 ? 7 : day - 1;
    return (minute >= start && days.has(day)) || (minute < end && days.has(yesterday));
  };
}
