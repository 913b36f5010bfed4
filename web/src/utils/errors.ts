// Turning an API failure into words for people, and into a mark on the form field it names.
import { reactive } from 'vue';
import { ElMessage, ElMessageBox } from 'element-plus';
import { ApiError } from '@/api/client';
import { i18n } from '@/locales';
import { fieldLabel } from './fieldLabels';

const t = (k: string, p?: Record<string, unknown>) => (p ? i18n.global.t(k, p) : i18n.global.t(k));

/** Is this the optimistic-concurrency conflict (someone saved a newer version)? */
export const isVersionConflict = (e: unknown) => e instanceof ApiError && e.status === 409 && e.field === 'version';

/** One sentence for a failure: what went wrong in the user's language, then the API's detail. */
export function errorText(e: unknown, entity?: string): string {
  if (!(e instanceof ApiError)) return t('errors.internal');
  const head = t(`errors.${e.code}`);
  if (e.code === 'invalid' || e.code === 'conflict') {
    const detail = e.field ? t('errors.field', { field: fieldLabel(e.field, entity), message: e.message }) : e.message;
    return `${head}: ${detail}`;
  }
  return head;
}

/** Shows a failure as a toast. */
export function toastError(e: unknown, entity?: string) {
  ElMessage({ type: 'error', message: errorText(e, entity), showClose: true, duration: 6000 });
}

/** The 409 dialog: tells the user someone else changed the record and offers to reload it. */
export async function offerReload(reload: () => unknown) {
  try {
    await ElMessageBox.confirm(t('errors.conflictBody'), t('errors.conflictTitle'), {
      type: 'warning', confirmButtonText: t('errors.reloadLatest'), cancelButtonText: t('common.cancel'),
    });
    await reload();
  } catch {
    /* dismissed: the user keeps their edits on screen */
  }
}

/**
 * Field-level errors for a form: `errors.x` feeds `<el-form-item :error>`. `handle` puts an
 * API error on its field (or returns false when it names none).
 */
export function useFieldErrors(entity?: string) {
  const errors = reactive<Record<string, string>>({});
  function clear() {
    for (const k of Object.keys(errors)) delete errors[k];
  }
  function handle(e: unknown): boolean {
    clear();
    if (e instanceof ApiError && e.field && e.code === 'invalid') {
      errors[e.field] = e.message;
      return true;
    }
    return false;
  }
  return { errors, clear, handle, entity };
}

/**
 * The usual save path: call, then on a version conflict offer a reload, on a field error mark
 * the field and toast, otherwise toast the error. Returns the result or undefined.
 */
export async function saveWith<T>(fields: ReturnType<typeof useFieldErrors> | null, call: () => Promise<T>, reload?: () => unknown): Promise<T | undefined> {
  fields?.clear();
  try {
    return await call();
  } catch (e) {
    if (isVersionConflict(e) && reload) {
      await offerReload(reload);
      return undefined;
    }
    fields?.handle(e);
    toastError(e, fields?.entity);
    return undefined;
  }
}
