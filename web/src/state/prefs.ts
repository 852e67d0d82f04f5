import { create } from 'zustand';
import { persist } from 'zustand/middleware';

export type Lang = 'en' | 'zh';

export interface PrefsState {
  lang: Lang;
  largeType: boolean;
  setLang: (lang: Lang) => void;
  setLargeType: (on: boolean) => void;
}

/** The browser's language when it is Chinese, English otherwise. */
export function defaultLang(): Lang {
  const wanted = typeof navigator !== 'undefined' ? navigator.language : 'en';
  return wanted.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

/** Preferences of this browser: language and type size, kept in localStorage. */
export const usePrefs = create<PrefsState>()(
  persist(
    (set) => ({
      lang: defaultLang(),
      largeType: false,
      setLang: (lang) => set({ lang }),
      setLargeType: (largeType) => set({ largeType }),
    }),
    { name: 'warroom.prefs', version: 1 },
  ),
);
