import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, request, requestBlob, setUnauthenticatedHandler, toApiError, uploadFile, withQuery } from './client';

function respond(status: number, body: unknown, headers: Record<string, string> = {}) {
  return vi.fn(async () => new Response(body === undefined ? null : JSON.stringify(body), { status, headers }));
}

afterEach(() => {
  vi.unstubAllGlobals();
  setUnauthenticatedHandler(() => {});
});

describe('toApiError', () => {
  it('keeps the API error code, message and field', () => {
    const e = toApiError(400, { error: { code: 'invalid', message: 'check character does not match', field: 'credit_code' } }, 'abc');
    expect(e).toBeInstanceOf(ApiError);
    expect(e).toMatchObject({ status: 400, code: 'invalid', message: 'check character does not match', field: 'credit_code', requestId: 'abc' });
  });
  it('falls back to the status when the body is not an API error', () => {
    expect(toApiError(404, '<html>')).toMatchObject({ code: 'not_found', field: null, message: 'HTTP 404' });
    expect(toApiError(409, null).code).toBe('conflict');
    expect(toApiError(502, { error: { code: 'weird' } }).code).toBe('internal');
    expect(toApiError(400, { error: { code: 'invalid', message: 'x', field: '' } }).field).toBeNull();
  });
});

describe('request', () => {
  it('sends JSON with the session cookie and returns the body', async () => {
    const fetch = respond(200, { id: 1 });
    vi.stubGlobal('fetch', fetch);
    await expect(request('PATCH', '/customers/1', { body: { version: 3 } })).resolves.toEqual({ id: 1 });
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/v1/customers/1');
    expect(init.credentials).toBe('same-origin');
    expect(init.body).toBe('{"version":3}');
    expect((init.headers as Record<string, string>)['content-type']).toBe('application/json');
  });
  it('maps a field error to ApiError', async () => {
    vi.stubGlobal('fetch', respond(400, { error: { code: 'invalid', message: 'is required', field: 'subject' } }, { 'x-request-id': 'r1' }));
    const e = await request('POST', '/customers/1/contacts', { body: {} }).catch((x) => x);
    expect(e).toMatchObject({ code: 'invalid', field: 'subject', requestId: 'r1' });
  });
  it('calls the session-ended handler on 401, except when told to stay quiet', async () => {
    const ended = vi.fn();
    setUnauthenticatedHandler(ended);
    vi.stubGlobal('fetch', respond(401, { error: { code: 'unauthenticated', message: 'session expired' } }));
    await expect(request('GET', '/workbench')).rejects.toMatchObject({ code: 'unauthenticated' });
    expect(ended).toHaveBeenCalledTimes(1);
    await expect(request('GET', '/auth/me', { quiet401: true })).rejects.toBeInstanceOf(ApiError);
    expect(ended).toHaveBeenCalledTimes(1);
  });
  it('reports a network failure as code network', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => { throw new TypeError('Failed to fetch'); }));
    await expect(request('GET', '/workbench')).rejects.toMatchObject({ code: 'network', status: 0 });
  });
  it('accepts an empty 204', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(null, { status: 204 })));
    await expect(request('POST', '/auth/logout')).resolves.toBeNull();
  });
});

describe('withQuery', () => {
  it('drops empty values and encodes the rest', () => {
    expect(withQuery('/customers', { q: '南京 银行', region: '', limit: 20, manager: undefined })).toBe('/customers?q=%E5%8D%97%E4%BA%AC+%E9%93%B6%E8%A1%8C&limit=20');
    expect(withQuery('/customers', {})).toBe('/customers');
  });
});

/** A stand-in XMLHttpRequest: records what is sent, then answers as told. */
function fakeXhr(status: number, body: unknown, progress: [number, number][] = []) {
  const sent: { method?: string; url?: string; headers: Record<string, string>; body?: unknown } = { headers: {} };
  class FakeXhr {
    status = 0;
    responseText = '';
    withCredentials = false;
    upload: { onprogress?: (e: { loaded: number; total: number; lengthComputable: boolean }) => void } = {};
    onload?: () => void;
    onerror?: () => void;
    onabort?: () => void;
    open(method: string, url: string) {
      sent.method = method;
      sent.url = url;
    }
    setRequestHeader(k: string, v: string) {
      sent.headers[k] = v;
    }
    getResponseHeader() {
      return 'req-9';
    }
    send(b: unknown) {
      sent.body = b;
      for (const [loaded, total] of progress) this.upload.onprogress?.({ loaded, total, lengthComputable: true });
      this.status = status;
      this.responseText = body === undefined ? '' : JSON.stringify(body);
      if (status === 0) this.onerror?.();
      else this.onload?.();
    }
  }
  vi.stubGlobal('XMLHttpRequest', FakeXhr);
  return sent;
}

describe('uploadFile', () => {
  it('sends the file itself as the body, reports progress and returns the answer', async () => {
    const sent = fakeXhr(202, { id: 5, status: 'queued' }, [[10, 40], [40, 40]]);
    const seen: [number, number][] = [];
    const file = new Blob(['month,number,bill\n'], { type: 'text/csv' });
    const r = await uploadFile('/usage/imports?file_name=a.csv', file, 'text/csv', (l, t) => seen.push([l, t]));
    expect(r).toEqual({ id: 5, status: 'queued' });
    expect(sent).toMatchObject({ method: 'POST', url: '/api/v1/usage/imports?file_name=a.csv', body: file });
    expect(sent.headers['content-type']).toBe('text/csv');
    expect(seen).toEqual([[10, 40], [40, 40]]);
  });
  it('maps a refusal to ApiError and a 401 to the session-ended handler', async () => {
    fakeXhr(403, { error: { code: 'forbidden', message: 'importing usage needs the admin or analyst role' } });
    await expect(uploadFile('/usage/imports', new Blob(['x']), 'text/csv')).rejects.toMatchObject({ status: 403, code: 'forbidden', requestId: 'req-9' });
    const ended = vi.fn();
    setUnauthenticatedHandler(ended);
    fakeXhr(401, { error: { code: 'unauthenticated', message: 'no session' } });
    await expect(uploadFile('/usage/imports', new Blob(['x']), 'text/csv')).rejects.toMatchObject({ code: 'unauthenticated' });
    expect(ended).toHaveBeenCalledTimes(1);
  });
  it('reports a dropped connection as code network', async () => {
    fakeXhr(0, undefined);
    await expect(uploadFile('/usage/imports', new Blob(['x']), 'text/csv')).rejects.toMatchObject({ code: 'network' });
  });
});

describe('requestBlob', () => {
  it('returns the bytes of a download, or the API error', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(new Uint8Array([0x50, 0x4b, 3, 4]), { status: 200 })));
    const blob = await requestBlob('/analysis/export.xlsx?lang=en');
    expect(new Uint8Array(await blob.arrayBuffer()).slice(0, 2)).toEqual(new Uint8Array([0x50, 0x4b]));
    vi.stubGlobal('fetch', respond(403, { error: { code: 'forbidden', message: 'no' } }));
    await expect(requestBlob('/analysis/export.xlsx')).rejects.toMatchObject({ status: 403, code: 'forbidden' });
  });
});
