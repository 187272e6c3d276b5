// The themes of styles.css, read from the file itself: every text colour is readable on every
// background (WCAG AA, 4.5:1) in light and in dark, borders and the focus ring stand out (3:1),
// and no colour is written outside the theme blocks, so these pairs are all there is.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contrast } from './contrast';

// Read from disk: Vitest hands CSS imports (even ?raw) to tests as empty modules.
const css = readFileSync(resolve(__dirname, '../styles.css'), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');

interface Rule { selector: string; vars: Record<string, string>; start: number; end: number }

/** rules lists the innermost rules (selector { declarations }) with the custom properties they set. */
function rules(text: string): Rule[] {
  const out: Rule[] = [];
  for (const m of text.matchAll(/([^{}]+)\{([^{}]*)\}/g)) {
    const vars: Record<string, string> = {};
    for (const d of m[2].matchAll(/(--[\w-]+)\s*:\s*([^;]+);/g)) vars[d[1]] = d[2].trim();
    out.push({ selector: m[1].trim().replace(/\s+/g, ' '), vars, start: m.index!, end: m.index! + m[0].length });
  }
  return out;
}

const all = rules(css);
const theme = (selector: string): Rule => {
  const r = all.find((x) => x.selector === selector);
  if (!r) throw new Error(`styles.css has no rule ${selector}`);
  return r;
};
const light = theme(":root, html[data-theme='light']");
const dark = theme("html[data-theme='dark']");
const systemDark = theme("html:not([data-theme='light'])");

const texts = ['--fg', '--muted', '--accent', '--warn', '--ok', '--danger'];
const backgrounds = ['--bg', '--panel', '--raised', '--field', '--bubble'];
const themes = { light: light.vars, dark: dark.vars };

describe('contrast', () => {
  it('computes WCAG ratios', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrast('#fff', '#ffffff')).toBe(1);
    // The usual reference: #777 on white just fails AA (4.48), #767676 just passes (4.54).
    expect(contrast('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
    expect(contrast('#ffffff', '#767676')).toBeCloseTo(4.54, 2);
    expect(() => contrast('red', '#fff')).toThrow();
  });
});

describe('themes in styles.css', () => {
  it('light and dark define the same variables, and the system dark block is the dark theme', () => {
    expect(Object.keys(light.vars).sort()).toEqual(Object.keys(dark.vars).sort());
    expect(systemDark.vars).toEqual(dark.vars);
    // The system block applies only under prefers-color-scheme: dark.
    const before = css.slice(0, systemDark.start);
    expect(before.lastIndexOf('@media (prefers-color-scheme: dark)')).toBeGreaterThan(dark.end);
  });

  for (const [name, v] of Object.entries(themes)) {
    it(`${name}: every text colour has at least 4.5:1 on every background`, () => {
      const low: string[] = [];
      for (const t of texts) {
        for (const b of backgrounds) {
          const r = contrast(v[t], v[b]);
          if (r < 4.5) low.push(`${t} ${v[t]} on ${b} ${v[b]}: ${r.toFixed(2)}`);
        }
      }
      const onAccent = contrast(v['--on-accent'], v['--accent']);
      if (onAccent < 4.5) low.push(`--on-accent on --accent: ${onAccent.toFixed(2)}`);
      expect(low).toEqual([]);
    });

    it(`${name}: control borders and the focus ring have at least 3:1 on every background`, () => {
      const low: string[] = [];
      for (const t of ['--border', '--focus']) {
        for (const b of backgrounds) {
          const r = contrast(v[t], v[b]);
          if (r < 3) low.push(`${t} on ${b}: ${r.toFixed(2)}`);
        }
      }
      expect(low).toEqual([]);
    });
  }

  it('writes no colour outside the theme blocks, and uses only variables the themes define', () => {
    const outside = css.slice(0, light.start) + css.slice(dark.end, systemDark.start) + css.slice(systemDark.end);
    expect(outside.match(/#[0-9a-f]{3,8}\b|\b(rgba?|hsla?)\(/gi) ?? []).toEqual([]);
    const used = new Set([...css.matchAll(/var\((--[\w-]+)\)/g)].map((m) => m[1]));
    expect([...used].filter((u) => !(u in light.vars))).toEqual([]);
  });

  it('shows a focus ring for the keyboard and stops animations for reduced motion', () => {
    expect(all.some((r) => r.selector === ':focus-visible' && /outline:\s*2px solid var\(--focus\)/.test(css.slice(r.start, r.end)))).toBe(true);
    const motion = css.indexOf('@media (prefers-reduced-motion: reduce)');
    expect(motion).toBeGreaterThan(-1);
    expect(css.slice(motion)).toMatch(/\.cursor\s*\{\s*animation:\s*none/);
  });
});
