import { afterEach, describe, expect, it } from 'vitest';
import { noteServerDate, resetServerClock, serverNow } from './serverClock';

describe('server clock', () => {
  afterEach(resetServerClock);

  it('follows the server when its Date header is far from the browser clock', () => {
    const received = Date.parse('2026-12-07T16:00:00Z');
    noteServerDate('Tue, 24 Nov 2026 00:00:00 GMT', received);
    const shift = serverNow() - Date.now();
    const expected = Date.parse('2026-11-24T00:00:00Z') + 500 - received;
    expect(Math.abs(shift - expected)).toBeLessThan(50);
  });

  it('ignores a header that only differs by the truncated second, and a bad one', () => {
    const received = Date.now();
    noteServerDate(new Date(received - 400).toUTCString(), received);
    expect(Math.abs(serverNow() - Date.now())).toBeLessThan(50);
    noteServerDate('not a date', received);
    noteServerDate(null, received);
    expect(Math.abs(serverNow() - Date.now())).toBeLessThan(50);
  });
});
