import { describe, expect, it } from 'vitest';
import { en } from './en';
import { catalogs, translate } from './index';
import { zh } from './zh';

describe('catalogs', () => {
  it('have the same keys in every language, none empty', () => {
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
    for (const catalog of Object.values(catalogs)) {
      for (const [key, text] of Object.entries(catalog)) expect(text.trim(), key).not.toBe('');
    }
  });

  it('keep the same placeholders in every language', () => {
    const names = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(names(zh[key]), key).toEqual(names(en[key]));
    }
  });
});

describe('translate', () => {
  it('fills placeholders and leaves unknown ones as they are', () => {
    expect(translate('en', 'debate.roundN', { n: 2 })).toBe('Round 2');
    expect(translate('zh', 'debate.roundN', { n: 2 })).toBe('第 2 轮');
    expect(translate('en', 'debate.roundN')).toBe('Round {n}');
  });
});
