import { describe, expect, it } from 'vitest';
import zhCN from './zh-CN';
import en from './en';

type Tree = { [k: string]: string | Tree };
function flatten(t: Tree, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(t)) {
    if (typeof v === 'string') out[prefix + k] = v;
    else Object.assign(out, flatten(v, `${prefix}${k}.`));
  }
  return out;
}
const zh = flatten(zhCN as unknown as Tree);
const enFlat = flatten(en as unknown as Tree);
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('message catalogues', () => {
  it('have the same keys', () => {
    expect(Object.keys(enFlat).sort()).toEqual(Object.keys(zh).sort());
  });
  it('use the same placeholders in both languages', () => {
    for (const k of Object.keys(zh)) expect(placeholders(enFlat[k]), k).toEqual(placeholders(zh[k]));
  });
  it('have no empty messages and no stray vue-i18n syntax', () => {
    for (const [k, v] of [...Object.entries(zh), ...Object.entries(enFlat)]) {
      expect(v.trim(), k).not.toBe('');
      expect(v, k).not.toMatch(/[@|$]/);
    }
  });
  it('say Chinese in Chinese', () => {
    expect(zh['menu.customers']).toMatch(/[\u4e00-\u9fff]/);
    expect(enFlat['menu.customers']).not.toMatch(/[\u4e00-\u9fff]/);
  });
});
