// Pure helpers of the warning pages: deadline countdowns, the zone of a month, summary shaping
// and where a rule's parse error sits in its text. Kept free of Vue so Vitest checks them.
import { serverDate } from '@/utils/serverClock';
import { OUTCOMES, type AlertTask, type Notification, type Outcome, type SummaryRow, type TaskHistoryEntry } from '@/api/alerts';

export interface Countdown {
  /** Whole days and hours left (negative when overdue). */
  days: number;
  hours: number;
  overdue: boolean;
  /** Less than a day left. */
  soon: boolean;
}

/** Time left until a deadline (ISO UTC); overdue once it has passed. */
export function countdown(deadlineIso: string, now: Date = serverDate()): Countdown {
  const ms = Date.parse(deadlineIso) - now.getTime();
  const overdue = ms < 0;
  const abs = Math.abs(ms);
  const totalHours = Math.floor(abs / 3_600_000);
  return { days: Math.floor(totalHours / 24), hours: totalHours % 24, overdue, soon: !overdue && ms < 86_400_000 };
}

/** The task's state counts for the inbox header, in workflow order, from a by_state summary. */
export function stateCounts(rows: SummaryRow[] | undefined): Record<string, number> {
  const out: Record<string, number> = { open: 0, accepted: 0, contacted: 0, closed: 0, overdue: 0 };
  for (const r of rows ?? []) {
    out[r.key] = r.total;
    out.overdue += r.overdue;
  }
  return out;
}

/** Outcome totals across rows (the outcome mix chart). */
export function outcomeMix(rows: SummaryRow[] | undefined): Record<Outcome, number> {
  const out: Record<Outcome, number> = { retained: 0, offer_made: 0, escalated: 0, lost: 0 };
  for (const r of rows ?? []) for (const k of Object.keys(out) as Outcome[]) out[k] += r.outcomes?.[k] ?? 0;
  return out;
}

/** Share of closed tasks kept (retained or offer made), as the API counts retention; null when none closed. */
export function retentionRate(mix: Record<Outcome, number>): number | null {
  const closed = mix.retained + mix.offer_made + mix.escalated + mix.lost;
  return closed ? (mix.retained + mix.offer_made) / closed : null;
}

/**
 * Where a rule's parse error sits: the API names a 1-based character position ("at position 21:
 * …"). Gives the 1-based line and column and the text split around that character, so the editor
 * can mark the spot. Counts characters, not UTF-16 units, like the server.
 */
export function errorSpot(text: string, position: number): { line: number; column: number; before: string; at: string; after: string } {
  const chars = Array.from(text);
  const i = Math.max(0, Math.min(position - 1, chars.length));
  const head = chars.slice(0, i).join('');
  const line = head.split('\n').length;
  const column = i - (head.lastIndexOf('\n') + 1) + 1;
  const at = chars[i] ?? '';
  return { line, column, before: head, at: at === '\n' ? ' ' : at || ' ', after: chars.slice(i + 1).join('') };
}

/** The 1-based position in an API error message like "at position 12: …" (null when none). */
export function positionFrom(err: { message?: string; position?: number } | null | undefined): number | null {
  if (!err) return null;
  if (typeof err.position === 'number') return err.position;
  const m = /at position (\d+)/i.exec(err.message ?? '');
  return m ? Number(m[1]) : null;
}

/** The message without its "at position N: " prefix (the editor shows line and column instead). */
export function withoutPosition(message: string): string {
  return message.replace(/^at position \d+:\s*/i, '');
}

/** Active (not closed) tasks first, then by deadline; what the 360 alerts card shows. */
export function activeTasks(tasks: AlertTask[]): AlertTask[] {
  return tasks.filter((t) => t.state !== 'closed').sort((a, b) => a.deadline_at.localeCompare(b.deadline_at));
}

/** What a history entry says, as catalogue keys: the action, the outcome of a close, and the detail. */
export interface HistoryParts {
  /** Catalogue key of the action (warn.action.* or warn.task.historyAction.*), or null for an unknown code. */
  actionKey: string | null;
  /** Catalogue key of a close's outcome (warn.outcome.*). */
  outcomeKey: string | null;
  /** Free text to show under it (a reason, a contact subject, "→ name"). */
  detail: string | null;
}

const WORKFLOW_ACTIONS = ['accept', 'contact', 'close', 'reopen', 'reassign'];
const SYSTEM_ACTIONS = ['created', 'escalated', 'reminded'];

/**
 * A task history entry in words: the API stores a close as "outcome: reason" (and gives outcome and
 * reason apart), a handover as a reassign with the note "handover"; neither code is shown raw.
 */
export function historyParts(h: TaskHistoryEntry & { outcome?: string | null; reason?: string | null; via?: string | null }): HistoryParts {
  const note = h.note ?? null;
  if (h.action === 'reassign' && (h.via === 'handover' || note === 'handover')) {
    return { actionKey: 'warn.task.historyAction.handover', outcomeKey: null, detail: null };
  }
  const actionKey = WORKFLOW_ACTIONS.includes(h.action) ? `warn.action.${h.action}`
    : SYSTEM_ACTIONS.includes(h.action) ? `warn.task.historyAction.${h.action}` : null;
  if (h.action === 'close') {
    let outcome: string | null = h.outcome ?? null;
    let reason = h.reason ?? null;
    if (!outcome && note) {
      const m = /^(retained|offer_made|escalated|lost)(?::\s*([\s\S]*))?$/.exec(note);
      if (m) {
        outcome = m[1];
        reason = m[2] ?? null;
      }
    }
    if (outcome && (OUTCOMES as string[]).includes(outcome)) return { actionKey, outcomeKey: `warn.outcome.${outcome}`, detail: reason || null };
  }
  return { actionKey, outcomeKey: null, detail: note };
}

/** Where a notification leads in the workspace (null when it has no page). */
export function notificationLink(n: Pick<Notification, 'ref_type' | 'ref_id'>): string | null {
  if (!n.ref_id) return null;
  if (n.ref_type === 'alert_task') return `/alerts/tasks?task=${n.ref_id}`;
  if (n.ref_type === 'order') return `/orders/${n.ref_id}`;
  return null;
}

/** Notification kinds the catalogues name; others show as a plain notification. */
export const NOTIFICATION_KINDS = ['reminder', 'overdue', 'escalation', 'assignment', 'work_order', 'penalty', 'followup',
  'order_approval', 'order_approval_decided', 'order_overdue'];

/** First and last day (YYYY-MM-DD) of a month YYYY-MM. */
export function monthRange(month: string): { from: string; to: string } {
  const [y, m] = month.split('-').map(Number);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, '0')}` };
}

/** The month YYYY-MM of a calendar date (its local day, as el-calendar hands it). */
export function monthOfDate(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
}

/** The local day YYYY-MM-DD of a calendar date. */
export function dayOfDate(d: Date): string {
  return `${monthOfDate(d)}-${String(d.getDate()).padStart(2, '0')}`;
}

/** Care tasks counted per due date. */
export function countByDay(tasks: { due_date: string }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of tasks) out[x.due_date] = (out[x.due_date] ?? 0) + 1;
  return out;
}

/** A month text YYYY-MM is well formed (the API refuses others with 400 naming month). */
export function isMonth(s: string): boolean {
  return /^\d{4}-(0[1-9]|1[0-2])$/.test(s);
}
