import { createHash } from 'node:crypto';
import type { ActivationLinkView } from '@sipops/shared/use-cases/resolve-activation-link';
import { formatDate, type Locale, TEXTS } from '../i18n.ts';
import { html, SafeHtml } from './html.ts';
import type { Platform } from './platform.ts';
import { qrCodeSvg } from './qr-code.ts';

// One small stylesheet inline, allowed by its hash: no extra request, no 'unsafe-inline'.
const STYLE = `*{box-sizing:border-box}html{-webkit-text-size-adjust:100%}body{margin:0;font:1.0625rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;background:#fff}main{max-width:32rem;margin:0 auto;padding:1.25rem 1rem 2.5rem}h1{font-size:1.5rem;line-height:1.25;margin:0 0 .5rem}h2{font-size:1.125rem;margin:0 0 .5rem}p{margin:0 0 .75rem}ol{list-style:none;margin:1.5rem 0 0;padding:0}li{border-top:1px solid #d0d0d0;padding:1.25rem 0}.n{display:inline-block;min-width:1.75rem;height:1.75rem;margin-right:.5rem;border-radius:50%;background:#1a1a1a;color:#fff;text-align:center;font-weight:700;line-height:1.75rem}.b{display:block;width:100%;min-height:3rem;margin:.5rem 0;padding:.75rem 1rem;border:2px solid #0b4fc1;border-radius:.5rem;background:#0b4fc1;color:#fff;font:inherit;font-weight:600;text-align:center;text-decoration:none;cursor:pointer}.s{background:#fff;color:#0b4fc1}.b:focus-visible{outline:3px solid #f0a800;outline-offset:2px}.h{color:#4a4a4a;font-size:.9375rem}.notice{border-left:4px solid #b35c00;background:#fff4e5;padding:.75rem 1rem;margin:1rem 0}.qr{display:block;width:14rem;max-width:100%;height:auto;margin:1rem 0}`;

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  'img-src data:',
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/** The headers of every mobile page: nothing cached, indexed, framed, referred or scripted. */
export function mobilePageHeaders(locale: Locale): Record<string, string> {
  return {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Language': locale,
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
    'X-Robots-Tag': 'noindex, nofollow',
    'X-Content-Type-Options': 'nosniff',
    Vary: 'Accept-Language, User-Agent',
  };
}

function document(locale: Locale, title: string, body: SafeHtml): string {
  // The stylesheet goes in as it is: it is ours, and its hash must match byte for byte.
  return `<!DOCTYPE html>${html`<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex,nofollow"><meta name="referrer" content="no-referrer"><link rel="icon" href="data:,"><title>${title}</title><style>${new SafeHtml(STYLE)}</style></head><body><main>${body}</main></body></html>`}`;
}

export type SetUpPageInput = {
  locale: Locale;
  platform: Platform;
  link: ActivationLinkView;
  /** Where the Activate form posts (`/a/<token>`). */
  actionPath: string;
  isNotReady: boolean;
};

/** The page an SMS link opens: get the app, hand it its settings, activate. */
export function renderSetUpPage(input: SetUpPageInput): string {
  const { locale, platform, link } = input;
  const t = TEXTS[locale];
  const title = t.setUpTitle(link.brand);
  const openUrl = `${link.appScheme}://provision?url=${encodeURIComponent(link.provisioningUrl)}`;
  const stores: SafeHtml[] = [];
  if (platform !== 'android' && link.iosUrl)
    stores.push(html`<a class="b" id="app-store" href="${link.iosUrl}">${t.appStore}</a>`);
  if (platform !== 'ios' && link.androidUrl)
    stores.push(html`<a class="b" id="google-play" href="${link.androidUrl}">${t.googlePlay}</a>`);

  const install = html`<li><h2><span class="n">1</span>${t.installStep}</h2>${
    stores.length > 0 ? stores : html`<p class="h">${t.noStoreLink}</p>`
  }</li>`;
  const open = html`<li><h2><span class="n">2</span>${t.openStep}</h2><a class="b s" id="open-app" href="${openUrl}">${t.openButton(link.brand)}</a><p class="h">${t.openHint}</p></li>`;
  const activate = html`<li id="activate"><h2><span class="n">3</span>${t.activateStep}</h2><form method="post" action="${input.actionPath}"><button class="b" type="submit">${t.activateButton}</button></form><p class="h">${t.activateHint}</p></li>`;
  const isReminder = link.kind === 'activation';
  const qr =
    platform === 'other'
      ? html`<section aria-labelledby="qr-title"><h2 id="qr-title">${t.qrTitle}</h2><p>${t.qrHint}</p>${qrCodeSvg(link.pageUrl, t.qrLabel)}</section>`
      : null;

  return document(
    locale,
    title,
    html`<h1>${title}</h1><p>${isReminder ? t.reminderIntro : t.setUpIntro}</p>${
      input.isNotReady ? html`<p class="notice" role="status">${t.notReady}</p>` : null
    }${qr}<ol>${isReminder ? [activate, install, open] : [install, open, activate]}</ol><p class="h">${t.validUntil(formatDate(locale, link.expiresAt))}</p>`,
  );
}

function messagePage(locale: Locale, title: string, body: string): string {
  return document(locale, title, html`<h1>${title}</h1><p>${body}</p>`);
}

export const renderDonePage = (locale: Locale) =>
  messagePage(locale, TEXTS[locale].doneTitle, TEXTS[locale].doneBody);
export const renderDeadLinkPage = (locale: Locale) =>
  messagePage(locale, TEXTS[locale].deadTitle, TEXTS[locale].deadBody);
export const renderTooManyPage = (locale: Locale) =>
  messagePage(locale, TEXTS[locale].tooManyTitle, TEXTS[locale].tooManyBody);
export const renderErrorPage = (locale: Locale) =>
  messagePage(locale, TEXTS[locale].errorTitle, TEXTS[locale].errorBody);
