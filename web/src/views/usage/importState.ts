// The life of one upload on the import page, as a small state machine: the file goes up (with
// the browser's upload progress), the API accepts it (202) and imports it in the background,
// the page polls the import record until it has succeeded or failed. Stale events — a poll
// answer for another import, upload progress after the upload — change nothing.
import type { UsageImport } from '@/api/value';

export type ImportPhase = 'idle' | 'uploading' | 'processing' | 'succeeded' | 'failed' | 'error';

export interface ImportState {
  phase: ImportPhase;
  fileName: string | null;
  /** Bytes sent and the file's size while uploading. */
  sent: number;
  size: number;
  record: UsageImport | null;
  /** A failure of the upload itself (not of the import): 403, 413, network … */
  error: unknown;
}

export type ImportEvent =
  | { type: 'start'; fileName: string; size: number }
  | { type: 'upload-progress'; sent: number; total: number }
  | { type: 'accepted'; record: UsageImport }
  | { type: 'polled'; record: UsageImport }
  | { type: 'upload-failed'; error: unknown }
  | { type: 'show'; record: UsageImport }
  | { type: 'reset' };

export const initialImportState = (): ImportState => ({ phase: 'idle', fileName: null, sent: 0, size: 0, record: null, error: null });

const terminal = (r: UsageImport) => r.status === 'succeeded' || r.status === 'failed';
const phaseOf = (r: UsageImport): ImportPhase => (r.status === 'succeeded' ? 'succeeded' : r.status === 'failed' ? 'failed' : 'processing');

export function reduceImport(s: ImportState, e: ImportEvent): ImportState {
  switch (e.type) {
    case 'start':
      if (s.phase === 'uploading' || s.phase === 'processing') return s; // one upload at a time
      return { ...initialImportState(), phase: 'uploading', fileName: e.fileName, size: e.size };
    case 'upload-progress':
      if (s.phase !== 'uploading') return s;
      return { ...s, sent: Math.min(e.sent, e.total || s.size), size: e.total || s.size };
    case 'accepted':
      if (s.phase !== 'uploading') return s;
      return { ...s, phase: phaseOf(e.record), sent: s.size, record: e.record };
    case 'polled':
      if (s.phase !== 'processing' || !s.record || s.record.id !== e.record.id) return s;
      return { ...s, phase: phaseOf(e.record), record: e.record };
    case 'upload-failed':
      if (s.phase !== 'uploading') return s;
      return { ...s, phase: 'error', error: e.error };
    case 'show':
      if (s.phase === 'uploading' || s.phase === 'processing') return s; // keep watching the running one
      return { ...initialImportState(), phase: phaseOf(e.record), fileName: e.record.file_name, size: e.record.size_bytes, record: e.record };
    case 'reset':
      if (s.phase === 'uploading' || s.phase === 'processing') return s;
      return initialImportState();
  }
}

/** Is the page waiting on the server (poll again)? */
export const shouldPoll = (s: ImportState) => s.phase === 'processing' && !!s.record && !terminal(s.record);
export const isBusy = (s: ImportState) => s.phase === 'uploading' || s.phase === 'processing';

/** The steps shown to the user: upload, check (decode, parse, match), write, compute value, done. */
export const STEPS = ['upload', 'check', 'write', 'compute', 'done'] as const;
export type Step = (typeof STEPS)[number];

const STEP_OF_PHASE: Record<string, Step> = {
  'loading members': 'check', decoding: 'check', parsing: 'check', matching: 'check', sorting: 'check',
  writing: 'write', computing: 'compute', warnings: 'compute',
};

/** Which step the import is in (index into STEPS); a failed import stays on the step it failed in. */
export function stepIndex(s: ImportState): number {
  switch (s.phase) {
    case 'idle': return 0;
    case 'uploading': return 0;
    case 'error': return 0;
    case 'succeeded': return STEPS.length - 1;
    case 'processing':
    case 'failed': {
      const r = s.record;
      if (!r) return 1;
      if (s.phase === 'failed') {
        // The background job clears the phase when it ends; refused rows mean the check failed.
        if (r.rows_bad > 0 || r.issue_count > 0 || !r.rows_total) return 1;
        return r.rows_imported > 0 ? 3 : 2;
      }
      const step = r.phase ? STEP_OF_PHASE[r.phase] : undefined;
      return STEPS.indexOf(step ?? 'check');
    }
  }
}

/** Percent done of the current step, or null when the server cannot tell (an indeterminate bar). */
export function percent(s: ImportState): number | null {
  if (s.phase === 'uploading') return s.size > 0 ? Math.floor((s.sent * 100) / s.size) : null;
  if (s.phase === 'succeeded') return 100;
  if (s.phase === 'processing' && s.record) {
    const { done, total } = s.record.progress;
    return total > 0 ? Math.min(100, Math.floor((done * 100) / total)) : null;
  }
  return null;
}

/** How many refused rows are not listed (the API lists the first 100). */
export const moreIssues = (r: UsageImport | null) => (r ? Math.max(0, r.issue_count - r.issues.length) : 0);

/** Wait before the next poll: quick at first, then calmer for long imports. */
export const pollDelay = (attempt: number) => Math.min(2000, 400 + attempt * 100);
