import { describe, expect, it } from 'vitest';
import { fieldLabel, enumGroup } from './fieldLabels';
import { errorText } from './errors';
import { ApiError } from '@/api/client';
import { i18n } from '@/locales';

describe('fieldLabel', () => {
  it('names a field in the language of the record it belongs to', () => {
    i18n.global.locale.value = 'zh-CN';
    expect(fieldLabel('name', 'customer')).toBe('客户名称');
    expect(fieldLabel('name', 'key_person')).toBe('姓名');
    expect(fieldLabel('owner_id', 'key_person')).toBe('我方负责人');
    expect(fieldLabel('credit_code')).toBe('统一社会信用代码');
    expect(fieldLabel('no_such_field', 'customer')).toBe('no_such_field');
    i18n.global.locale.value = 'en';
    expect(fieldLabel('occurred_at', 'contact')).toBe('When');
    i18n.global.locale.value = 'zh-CN';
  });
  it('names the value rules, a stage’s retention included', () => {
    expect(fieldLabel('tier_silver', 'value_config')).toBe('银牌线（总分）');
    expect(fieldLabel('clv_retention.growth', 'value_config')).toBe('月留存率：提升期');
  });
  it('knows which catalogue an enum field uses', () => {
    expect(enumGroup('contact', 'channel')).toBe('channel');
    expect(enumGroup('customer', 'address')).toBeUndefined();
  });
});

describe('errorText', () => {
  it('puts the problem in words with the field named', () => {
    const e = new ApiError(400, 'invalid', 'is required', 'subject');
    expect(errorText(e, 'contact')).toBe('输入有误: 字段「主题」：is required');
    expect(errorText(new ApiError(404, 'not_found', 'customer'))).toBe('记录不存在，或不在您的管辖范围内');
    expect(errorText(new Error('boom'))).toBe('服务器出错了，请稍后再试');
  });
});
