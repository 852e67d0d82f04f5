import { useCallback } from 'react';
import { usePrefs, type Lang } from '../state/prefs';
import { en, type MessageKey, type Messages } from './en';
import { zh } from './zh';

export type { MessageKey, Messages };

export const catalogs: Record<Lang, Messages> = { en, zh };

export type Vars = Record<string, string | number>;

/** The text of ``key`` in ``lang``, with ``{name}`` placeholders filled from ``vars``. */
export function translate(lang: Lang, key: MessageKey, vars?: Vars): string {
  const text = catalogs[lang][key] ?? en[key] ?? key;
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in vars ? String(vars[name]) : whole,
  );
}

export type Translate = (key: MessageKey, vars?: Vars) => string;

/** ``t(key, vars)`` in the language the person chose. */
export function useT(): Translate {
  const lang = usePrefs((state) => state.lang);
  return useCallback((key: MessageKey, vars?: Vars) => translate(lang, key, vars), [lang]);
}

/** A text when ``key`` is in the catalog, else ``fallback`` (for values from the server). */
export function maybeTranslate(
  t: Translate,
  prefix: string,
  value: string,
  fallback = value,
): string {
  const key = `${prefix}.${value}` as MessageKey;
  return key in en ? t(key) : fallback;
}
