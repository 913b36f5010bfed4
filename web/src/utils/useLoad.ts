// The load / loading / error state a panel or view keeps for PageState: `load(...)` runs the
// fetch, shows the spinner while it runs and keeps what went wrong for the retry button.
import { ref } from 'vue';

export interface LoadOptions {
  /** The spinner before the first load: on (the default) for what loads as it mounts. */
  loading?: boolean;
  /**
   * Whether a load shows the spinner: always (true, the default); never again once the first has
   * ended (false: a reload keeps what is on screen); or as the function says (e.g. only while
   * there is nothing to show yet).
   */
  spinner?: boolean | (() => boolean);
}

export function useLoad<A extends unknown[]>(fetch: (...args: A) => Promise<unknown>, opts: LoadOptions = {}) {
  const loading = ref(opts.loading ?? true);
  const error = ref<unknown>(null);
  const spinner = opts.spinner ?? true;
  async function load(...args: A): Promise<void> {
    if (spinner !== false) loading.value = spinner === true ? true : spinner();
    error.value = null;
    try {
      await fetch(...args);
    } catch (e) {
      error.value = e;
    } finally {
      loading.value = false;
    }
  }
  return { loading, error, load };
}
