import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { expect } from 'vitest';
import { REPO_ROOT } from '../sip.ts';
import { USER_AGENTS } from './chromium.ts';

/** Screenshots of every page and state, kept as test artefacts (git-ignored). */
export const SCREENSHOTS = join(REPO_ROOT, 'test/.tmp/screenshots');

const touch = { isMobile: true, hasTouch: true };

/** The devices the pages are looked at on: phones get the steps, the others the QR code. */
export const DEVICES = {
  iphone: { ...touch, viewport: { width: 390, height: 844 }, userAgent: USER_AGENTS.iPhone },
  android: { ...touch, viewport: { width: 412, height: 915 }, userAgent: USER_AGENTS.android },
  small: { ...touch, viewport: { width: 320, height: 568 }, userAgent: USER_AGENTS.android },
  ipad: { ...touch, viewport: { width: 820, height: 1180 }, userAgent: USER_AGENTS.iPad },
  desktop: { viewport: { width: 1280, height: 800 }, userAgent: USER_AGENTS.desktop },
} satisfies Record<string, BrowserContextOptions>;
export type Device = keyof typeof DEVICES;
export const isPhone = (device: Device) => device !== 'ipad' && device !== 'desktop';

// axe-core goes into the page through the DevTools protocol, in the test only: the pages stay
// script-free and their CSP untouched.
const AXE_SOURCE = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

type AxeViolation = { id: string; help: string; nodes: { target: string[] }[] };

export async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: unknown[] }> } })
      .axe;
    return (await axe.run()).violations;
  });
  return (violations as AxeViolation[]).map(
    (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
  );
}

/** Everything a finger can press is at least 44 × 44 CSS pixels. */
export async function smallTapTargets(page: Page): Promise<string[]> {
  const small: string[] = [];
  for (const target of await page.locator('a[href], button').all()) {
    const box = await target.boundingBox();
    if (!box) continue;
    if (box.width < 44 || box.height < 44)
      small.push(
        `${(await target.textContent()) || (await target.getAttribute('aria-label'))}: ${box.width}×${box.height}`,
      );
  }
  return small;
}

function luminance([r, g, b]: number[]): number {
  const [lr = 0, lg = 0, lb = 0] = [r, g, b].map((c) => {
    const s = (c ?? 0) / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * lr + 0.7152 * lg + 0.0722 * lb;
}
const rgb = (css: string) => (css.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number);
const contrast = (a: string, b: string) => {
  const [hi, lo] = [luminance(rgb(a)), luminance(rgb(b))].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
};

/**
 * Tabs through the page: every stop shows a focus ring at least 2 px wide whose colour has 3:1
 * against the page behind it. Returns the stops that do not.
 */
export async function weakFocusRings(page: Page): Promise<string[]> {
  const stops = await page.locator('a[href], button').count();
  const weak: string[] = [];
  for (let i = 0; i < stops; i++) {
    await page.keyboard.press('Tab');
    const ring = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return null;
      const style = getComputedStyle(el);
      return {
        name: el.textContent || el.getAttribute('aria-label') || el.tagName,
        isFocusVisible: el.matches(':focus-visible'),
        outlineStyle: style.outlineStyle,
        outlineWidth: Number.parseFloat(style.outlineWidth),
        outlineColor: style.outlineColor,
        background: getComputedStyle(document.body).backgroundColor,
      };
    });
    if (!ring) continue;
    const ratio = contrast(ring.outlineColor, ring.background);
    if (!ring.isFocusVisible || ring.outlineStyle === 'none' || ring.outlineWidth < 2 || ratio < 3)
      weak.push(`${ring.name}: ${ring.outlineStyle} ${ring.outlineWidth}px ${ratio.toFixed(2)}:1`);
  }
  return weak;
}

/** What every page must be: script-free, axe-clean, thumb-sized, focus visible; then a screenshot. */
export async function checkPage(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  expect(await page.locator('script').count(), `${name}: scripts`).toBe(0);
  expect(await axeViolations(page), `${name}: axe`).toEqual([]);
  expect(await smallTapTargets(page), `${name}: tap targets`).toEqual([]);
  expect(await weakFocusRings(page), `${name}: focus rings`).toEqual([]);
}
