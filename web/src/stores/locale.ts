// The display language: one click switches it everywhere, and it is remembered on this browser.
import { defineStore } from 'pinia';
import { computed } from 'vue';
import zhCn from 'element-plus/es/locale/lang/zh-cn';
import elEn from 'element-plus/es/locale/lang/en';
import { i18n, STORAGE_KEY } from '@/locales';
import type { Locale } from '@/utils/format';

export const useLocaleStore = defineStore('locale', () => {
  const locale = computed<Locale>(() => i18n.global.locale.value as Locale);
  const elementLocale = computed(() => (locale.value === 'en' ? elEn : zhCn));

  function set(l: Locale) {
    i18n.global.locale.value = l;
    document.documentElement.lang = l;
    try {
      localStorage.setItem(STORAGE_KEY, l);
    } catch {
      /* not remembered, still switched */
    }
  }
  function toggle() {
    set(locale.value === 'en' ? 'zh-CN' : 'en');
  }
  return { locale, elementLocale, set, toggle };
});
