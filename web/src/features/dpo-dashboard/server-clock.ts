/** One reading of the server's clock: the instant it reported and the browser's clock around the request. */
export interface ServerClockReading {
  /** The server's own time when it answered (ISO 8601), e.g. the dashboard's `generatedAt`. */
  readonly serverNow: string;
  /** `Date.now()` in the browser just before the request went out. */
  readonly sentAt: number;
  /** `Date.now()` in the browser when the answer arrived. */
  readonly receivedAt: number;
}

/**
 * How far the server's clock is ahead of the browser's (negative: behind), in milliseconds. The server read its clock
 * somewhere inside the round trip, so it is compared with the round trip's midpoint (as NTP does): the error is at
 * most half the round trip, whatever the browser's clock says.
 *
 * @example
 * const offset = serverClockOffset({ serverNow: d.generatedAt, sentAt, receivedAt });
 * const serverNow = Date.now() + offset;
 */
export function serverClockOffset(reading: ServerClockReading): number {
  const server = Date.parse(reading.serverNow);
  if (Number.isNaN(server)) return 0;
  return server - (reading.sentAt + reading.receivedAt) / 2;
}

/**
 * Milliseconds left until `deadline` by the server's clock (negative once past), from the browser's `now` and the
 * offset measured by `serverClockOffset`. Deadlines such as the 72-hour breach clock are the server's: a browser whose
 * clock is wrong must not show them wrong.
 *
 * @example
 * msUntil(incident.deadline, Date.now(), offset); // 61 h 30 min → 221_400_000
 */
export function msUntil(deadline: string, browserNow: number, offset: number): number {
  return Date.parse(deadline) - (browserNow + offset);
}
