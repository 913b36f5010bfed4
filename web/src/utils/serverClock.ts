// The workspace's "now" is the server's: every API response carries the server clock's time in
// its Date header (the clock `kam serve --now` / KAM_NOW may fix), and countdowns, "today" and
// default dates read it here instead of the browser's clock.

let offsetMs = 0;

/** Notes the Date header of a response received at `receivedAt` (browser ms). */
export function noteServerDate(header: string | null | undefined, receivedAt: number = Date.now()): void {
  if (!header) return;
  const server = Date.parse(header);
  if (Number.isNaN(server)) return;
  // The header has whole seconds: move only for a difference the truncation cannot explain.
  const offset = server + 500 - receivedAt;
  if (Math.abs(offset - offsetMs) > 1500) offsetMs = offset;
}

/** The server's time now, in ms since the epoch. */
export function serverNow(): number {
  return Date.now() + offsetMs;
}

/** The server's time now, as a Date. */
export function serverDate(): Date {
  return new Date(serverNow());
}

/** For tests: forget what the server said. */
export function resetServerClock(): void {
  offsetMs = 0;
}
