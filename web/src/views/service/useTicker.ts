// A clock that ticks every second, for SLA countdowns.
import { onBeforeUnmount, onMounted, ref } from 'vue';
import { serverNow } from '@/utils/serverClock';

export function useTicker() {
  const now = ref(serverNow());
  let timer: ReturnType<typeof setInterval> | undefined;
  onMounted(() => { timer = setInterval(() => { now.value = serverNow(); }, 1000); });
  onBeforeUnmount(() => clearInterval(timer));
  return now;
}

/** Seconds left to an ISO deadline at `now` (ms); null without a deadline. */
export function secondsLeft(due: string | null | undefined, now: number): number | null {
  return due ? Math.round((Date.parse(due) - now) / 1000) : null;
}
