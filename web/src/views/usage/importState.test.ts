import { describe, expect, it } from 'vitest';
import type { UsageImport } from '@/api/value';
import {
  initialImportState, isBusy, moreIssues, percent, reduceImport, shouldPoll, stepIndex, STEPS, type ImportEvent, type ImportState,
} from './importState';

const rec = (over: Partial<UsageImport> = {}): UsageImport => ({
  id: 7, file_name: 'u.csv', size_bytes: 1000, status: 'queued', phase: null, progress: { done: 0, total: 0 },
  allow_unknown_numbers: false, encoding: null, kind: null, rows_total: 0, rows_imported: 0, rows_bad: 0, rows_skipped: 0,
  issue_count: 0, issues: [], periods: [], columns_ignored: [], message: null, created_by: 1, created_at: null, started_at: null,
  finished_at: null, ...over,
});
const run = (...events: ImportEvent[]) => events.reduce(reduceImport, initialImportState());

describe('an upload, step by step', () => {
  it('goes up with progress, then is polled to success', () => {
    let s = run({ type: 'start', fileName: 'u.csv', size: 1000 });
    expect(s.phase).toBe('uploading');
    expect(isBusy(s)).toBe(true);
    s = reduceImport(s, { type: 'upload-progress', sent: 250, total: 1000 });
    expect(percent(s)).toBe(25);
    expect(stepIndex(s)).toBe(0);
    s = reduceImport(s, { type: 'accepted', record: rec() });
    expect(s.phase).toBe('processing');
    expect(shouldPoll(s)).toBe(true);
    expect(percent(s)).toBeNull(); // queued: the server cannot tell yet
    s = reduceImport(s, { type: 'polled', record: rec({ status: 'running', phase: 'parsing', progress: { done: 300, total: 600 } }) });
    expect(percent(s)).toBe(50);
    expect(STEPS[stepIndex(s)]).toBe('check');
    s = reduceImport(s, { type: 'polled', record: rec({ status: 'running', phase: 'writing', progress: { done: 1, total: 2 } }) });
    expect(STEPS[stepIndex(s)]).toBe('write');
    s = reduceImport(s, { type: 'polled', record: rec({ status: 'running', phase: 'computing' }) });
    expect(STEPS[stepIndex(s)]).toBe('compute');
    s = reduceImport(s, { type: 'polled', record: rec({ status: 'succeeded', rows_total: 20, rows_imported: 20 }) });
    expect(s.phase).toBe('succeeded');
    expect(shouldPoll(s)).toBe(false);
    expect(isBusy(s)).toBe(false);
    expect(STEPS[stepIndex(s)]).toBe('done');
    expect(percent(s)).toBe(100);
  });

  it('ends in failure at the check when rows are refused, and counts the rows not listed', () => {
    const issues = Array.from({ length: 100 }, (_, i) => ({ line: i + 2, column: 'bill', reason: 'is negative' }));
    const s = run({ type: 'start', fileName: 'bad.csv', size: 10 }, { type: 'accepted', record: rec() },
      { type: 'polled', record: rec({ status: 'failed', rows_total: 300, rows_bad: 140, issue_count: 140, issues }) });
    expect(s.phase).toBe('failed');
    expect(STEPS[stepIndex(s)]).toBe('check');
    expect(moreIssues(s.record)).toBe(40);
    expect(moreIssues(rec({ issue_count: 2, issues: issues.slice(0, 2) }))).toBe(0);
  });

  it('goes straight to the result when the API answers with a finished import', () => {
    const s = run({ type: 'start', fileName: 'u.csv', size: 5 }, { type: 'accepted', record: rec({ status: 'succeeded' }) });
    expect(s.phase).toBe('succeeded');
    expect(shouldPoll(s)).toBe(false);
  });

  it('reports a refused upload (403, 413, network) as an upload error', () => {
    const s = run({ type: 'start', fileName: 'u.csv', size: 5 }, { type: 'upload-failed', error: new Error('x') });
    expect(s.phase).toBe('error');
    expect(isBusy(s)).toBe(false);
  });
});

describe('stale and out-of-turn events change nothing', () => {
  const processing = run({ type: 'start', fileName: 'u.csv', size: 5 }, { type: 'accepted', record: rec() });
  it('ignores a poll answer for another import', () => {
    expect(reduceImport(processing, { type: 'polled', record: rec({ id: 8, status: 'failed' }) })).toBe(processing);
  });
  it('ignores progress and upload errors after the upload', () => {
    expect(reduceImport(processing, { type: 'upload-progress', sent: 1, total: 5 })).toBe(processing);
    expect(reduceImport(processing, { type: 'upload-failed', error: null })).toBe(processing);
  });
  it('starts no second upload, shows no other import and does not reset while one runs', () => {
    expect(reduceImport(processing, { type: 'start', fileName: 'v.csv', size: 1 })).toBe(processing);
    expect(reduceImport(processing, { type: 'show', record: rec({ id: 3, status: 'succeeded' }) })).toBe(processing);
    expect(reduceImport(processing, { type: 'reset' })).toBe(processing);
  });
  it('follows an import still running when it is opened from the list', () => {
    const s = reduceImport(initialImportState(), { type: 'show', record: rec({ id: 4, status: 'running', phase: 'writing' }) });
    expect(s.phase).toBe('processing');
    expect(shouldPoll(s)).toBe(true);
    expect(reduceImport(s, { type: 'polled', record: rec({ id: 4, status: 'succeeded' }) }).phase).toBe('succeeded');
  });
  it('shows a past import when idle or finished, and starts afresh after it', () => {
    const shown: ImportState = reduceImport(initialImportState(), { type: 'show', record: rec({ id: 3, status: 'failed', rows_bad: 1, issue_count: 1 }) });
    expect(shown.phase).toBe('failed');
    expect(shown.record!.id).toBe(3);
    expect(shouldPoll(shown)).toBe(false);
    const again = reduceImport(shown, { type: 'start', fileName: 'n.csv', size: 9 });
    expect(again.phase).toBe('uploading');
    expect(again.record).toBeNull();
  });
});
