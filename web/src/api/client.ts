// The one way the workspace talks to the API: same-origin fetch with the session cookie, JSON in
// and out, and every failure turned into an ApiError carrying the API's code, message and field.

import { noteServerDate } from '@/utils/serverClock';

export type ErrorCode =
  | 'invalid' | 'unauthenticated' | 'forbidden' | 'not_found' | 'conflict' | 'too_large'
  | 'too_many_requests' | 'unavailable' | 'internal' | 'network';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly field: string | null = null,
    readonly requestId: string | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const CODES: ErrorCode[] = ['invalid', 'unauthenticated', 'forbidden', 'not_found', 'conflict', 'too_large',
  'too_many_requests', 'unavailable', 'internal'];

function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 400: return 'invalid';
    case 401: return 'unauthenticated';
    case 403: return 'forbidden';
    case 404: return 'not_found';
    case 409: return 'conflict';
    case 413: return 'too_large';
    case 429: return 'too_many_requests';
    case 503: return 'unavailable';
    default: return 'internal';
  }
}

/** Maps a failed response (status and parsed body, if any) to an ApiError. */
export function toApiError(status: number, body: unknown, requestId: string | null = null): ApiError {
  const e = (body as { error?: { code?: unknown; message?: unknown; field?: unknown } } | null)?.error;
  const code = typeof e?.code === 'string' && (CODES as string[]).includes(e.code) ? (e.code as ErrorCode) : codeForStatus(status);
  const message = typeof e?.message === 'string' && e.message ? e.message : `HTTP ${status}`;
  const field = typeof e?.field === 'string' && e.field ? e.field : null;
  return new ApiError(status, code, message, field, requestId);
}

type Unauthenticated = () => void;
let onUnauthenticated: Unauthenticated = () => {};
/** Called once by the router: what to do when the session has ended (go to login). */
export function setUnauthenticatedHandler(fn: Unauthenticated) {
  onUnauthenticated = fn;
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  }
  const s = qs.toString();
  return s ? `${path}?${s}` : path;
}

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** Do not treat a 401 as "session ended" (login and the first /auth/me). */
  quiet401?: boolean;
  signal?: AbortSignal;
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  let res: Response;
  try {
    res = await fetch('/api/v1' + withQuery(path, opts.query), {
      method, headers, body, credentials: 'same-origin', signal: opts.signal,
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'network', (err as Error).message || 'network error');
  }
  noteServerDate(res.headers.get('date'));
  const text = await res.text();
  let parsed: unknown = null;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
  }
  if (!res.ok) {
    const err = toApiError(res.status, parsed, res.headers.get('x-request-id'));
    if (res.status === 401 && !opts.quiet401) onUnauthenticated();
    throw err;
  }
  return parsed as T;
}

/** A binary download (an export): the bytes, or the API's error like any other call. */
export async function requestBlob(path: string): Promise<Blob> {
  let res: Response;
  try {
    res = await fetch('/api/v1' + path, { credentials: 'same-origin' });
  } catch (err) {
    throw new ApiError(0, 'network', (err as Error).message || 'network error');
  }
  if (!res.ok) {
    let parsed: unknown = null;
    try {
      parsed = JSON.parse(await res.text());
    } catch {
      parsed = null;
    }
    if (res.status === 401) onUnauthenticated();
    throw toApiError(res.status, parsed, res.headers.get('x-request-id'));
  }
  return res.blob();
}

/**
 * Uploads a file as the raw request body (not multipart), reporting upload progress: fetch
 * cannot tell how much of a body has been sent, XMLHttpRequest can.
 */
export function uploadFile<T>(path: string, file: Blob, contentType: string,
  onProgress?: (loaded: number, total: number) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/v1' + path);
    xhr.withCredentials = true;
    xhr.setRequestHeader('content-type', contentType);
    xhr.setRequestHeader('accept', 'application/json');
    if (onProgress) xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onerror = () => reject(new ApiError(0, 'network', 'network error'));
    xhr.onabort = () => reject(new ApiError(0, 'network', 'upload aborted'));
    xhr.onload = () => {
      let parsed: unknown = null;
      try {
        parsed = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        parsed = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(parsed as T);
      if (xhr.status === 401) onUnauthenticated();
      reject(toApiError(xhr.status, parsed, xhr.getResponseHeader('x-request-id')));
    };
    xhr.send(file);
  });
}

export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) => request<T>('GET', path, { query, signal }),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, { body }),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, { body }),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, { body }),
  del: <T>(path: string) => request<T>('DELETE', path),
  blob: (path: string) => requestBlob(path),
};
