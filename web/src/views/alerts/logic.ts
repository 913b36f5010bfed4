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
