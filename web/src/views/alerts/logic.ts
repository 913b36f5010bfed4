// Pure helpers of the warning pages: deadline countdowns, the zone of a month, summary shaping
// and where a rule's parse error sits in its text. Kept free of Vue so Vitest checks them.
import type { AlertTask, SummaryRow, Outcome } from '@/api/alerts';

export interface Countdown {
  /** Whole days and hours left (negative when overdue). */
  days: number;
  hours: number;
  overdue: boolean;
  /** Less than a day left. */
  soon: boolean;
}

/** Time left until a deadline (ISO UTC); overdue once it has passed. */
export function countdown(deadlineIso: string, now: Date = new Date()): Countdown {
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

/** Retained share of closed tasks with an outcome (null when none closed yet). */
export function retentionRate(mix: Record<Outcome, number>): number | null {
  const closed = mix.retained + mix.offer_made + mix.escalated + mix.lost;
  return closed ? mix.retained / closed : null;
}

/**
 * The 1-based line and column of a character offset in a rule's text, and the text split around
 * it, so the editor can point at the spot the API named (its "position" is a 0-based offset).
 */
export function errorSpot(text: string, position: number): { line: number; column: number; before: string; at: string; after: string } {
  const p = Math.max(0, Math.min(position, text.length));
  const head = text.slice(0, p);
  const line = head.split('\n').length;
  const column = p - head.lastIndexOf('\n');
  return { line, column, before: head, at: text.slice(p, p + 1) || ' ', after: text.slice(p + 1) };
}

/** Pulls a 0-based position out of an API message like "… at position 12" or "column 5". */
export function positionFrom(err: { message?: string; position?: number } | null | undefined): number | null {
  if (!err) return null;
  if (typeof err.position === 'number') return err.position;
  const m = /position (\d+)/i.exec(err.message ?? '') ?? /column (\d+)/i.exec(err.message ?? '');
  if (!m) return null;
  return /column/i.test(m[0]) ? Number(m[1]) - 1 : Number(m[1]);
}

/** Active (not closed) tasks first, then by deadline; what the 360 alerts card shows. */
export function activeTasks(tasks: AlertTask[]): AlertTask[] {
  return tasks.filter((t) => t.state !== 'closed').sort((a, b) => a.deadline_at.localeCompare(b.deadline_at));
}
