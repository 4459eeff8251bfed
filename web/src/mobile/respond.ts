import { isAppError } from '@sipops/shared/errors';
import { HTTP_STATUS, RETRY_AFTER_SECONDS } from '../http-errors.ts';
import { type Locale, pickLocale } from '../i18n.ts';
import {
  mobilePageHeaders,
  renderDeadLinkPage,
  renderErrorPage,
  renderTooManyPage,
} from './pages.ts';

export function localeOf(request: Request): Locale {
  return pickLocale(request.headers.get('accept-language'));
}

export function mobilePage(body: string, locale: Locale, status = 200): Response {
  return new Response(body, { status, headers: mobilePageHeaders(locale) });
}

/** A 303 to a path of this site (relative: right behind any proxy), with the pages' headers. */
export function seeOther(path: string, locale: Locale): Response {
  const { 'Content-Type': _type, ...headers } = mobilePageHeaders(locale);
  return new Response(null, { status: 303, headers: { ...headers, Location: path } });
}

/** A refusal or a failure as a page the person can act on. */
export function mobileErrorPage(error: unknown, locale: Locale, where: string): Response {
  if (isAppError(error) && error.code === 'LINK_EXPIRED')
    return mobilePage(renderDeadLinkPage(locale), locale, HTTP_STATUS.LINK_EXPIRED);
  if (isAppError(error) && error.code === 'TOO_MANY_ATTEMPTS') {
    const response = mobilePage(renderTooManyPage(locale), locale, HTTP_STATUS.TOO_MANY_ATTEMPTS);
    response.headers.set('Retry-After', String(RETRY_AFTER_SECONDS));
    return response;
  }
  console.error(`[sipops] ${where}: ${error instanceof Error ? error.message : String(error)}`);
  return mobilePage(
    renderErrorPage(locale),
    locale,
    isAppError(error) ? HTTP_STATUS[error.code] : 503,
  );
}
