import { isAppError } from '@sipops/shared/errors';
import { type Locale, pickLocale } from '@sipops/shared/locales/index';
import { HTTP_STATUS, RETRY_AFTER_SECONDS } from '../http-errors.ts';
import type { PageContext } from './layout.tsx';
import {
  type RenderedPage,
  renderDeadLinkPage,
  renderErrorPage,
  renderTooManyPage,
} from './pages.tsx';
import { styleHash } from './styles.ts';

/** `?lang=` first (the SMS link carries the SMS's language), then Accept-Language. */
export function localeOf(request: Request): Locale {
  return pickLocale(
    new URL(request.url).searchParams.get('lang'),
    request.headers.get('accept-language'),
  );
}

/** This page's address in each language: its path with `lang` set, other parameters kept. */
export function languageLinks(request: Request, keep: string[] = []): (locale: Locale) => string {
  const url = new URL(request.url);
  return (locale) => {
    const params = new URLSearchParams();
    for (const name of keep) {
      const value = url.searchParams.get(name);
      if (value) params.set(name, value);
    }
    params.set('lang', locale);
    return `${url.pathname}?${params}`;
  };
}

/** The headers of every mobile page: nothing cached, indexed, framed, referred or scripted. */
export function mobilePageHeaders(locale: Locale, css?: string): Record<string, string> {
  return {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Language': locale,
    'Content-Security-Policy': [
      "default-src 'none'",
      ...(css ? [`style-src ${styleHash(css)}`] : []),
      // The profile's logo is served by this site; the favicon is `data:,`.
      "img-src 'self' data:",
      "form-action 'self'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
    ].join('; '),
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
    'X-Robots-Tag': 'noindex, nofollow',
    'X-Content-Type-Options': 'nosniff',
    Vary: 'Accept-Language, User-Agent',
  };
}

export async function mobilePage(
  page: Promise<RenderedPage>,
  locale: Locale,
  status = 200,
): Promise<Response> {
  const { html, css } = await page;
  return new Response(html, { status, headers: mobilePageHeaders(locale, css) });
}

/** A 303 to a path of this site (relative: right behind any proxy), with the pages' headers. */
export function seeOther(path: string, locale: Locale): Response {
  const { 'Content-Type': _type, ...headers } = mobilePageHeaders(locale);
  return new Response(null, { status: 303, headers: { ...headers, Location: path } });
}

/** A refusal or a failure as a page the person can act on, with the support contact. */
export async function mobileErrorPage(
  error: unknown,
  context: PageContext,
  where: string,
): Promise<Response> {
  const { locale } = context;
  if (isAppError(error) && error.code === 'LINK_EXPIRED')
    return mobilePage(renderDeadLinkPage(context), locale, HTTP_STATUS.LINK_EXPIRED);
  if (isAppError(error) && error.code === 'TOO_MANY_ATTEMPTS') {
    const response = await mobilePage(
      renderTooManyPage(context),
      locale,
      HTTP_STATUS.TOO_MANY_ATTEMPTS,
    );
    response.headers.set('Retry-After', String(RETRY_AFTER_SECONDS));
    return response;
  }
  console.error(`[sipops] ${where}: ${error instanceof Error ? error.message : String(error)}`);
  return mobilePage(
    renderErrorPage(context),
    locale,
    isAppError(error) ? HTTP_STATUS[error.code] : 503,
  );
}
