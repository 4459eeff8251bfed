import { formatDateTime, MESSAGES } from '@sipops/shared/locales/index';
import type { ActivationLinkView } from '@sipops/shared/use-cases/resolve-activation-link';
import type { ReactElement } from 'react';
import { Layout, type PageContext, SupportLabel } from './layout.tsx';
import { openInAppUrl } from './open-in-app.ts';
import type { Platform } from './platform.ts';
import { QrCode } from './qr-code.tsx';
import { APP_STORE_BADGE_SVG, GOOGLE_PLAY_BADGE_SVG } from './store-badges.ts';
import { stylesheet } from './styles.ts';

/** A page as sent: its markup and the stylesheet whose hash the CSP allows. */
export type RenderedPage = { html: string; css: string };

/**
 * Next refuses react-dom/server inside its route bundle (the Server Components layer, whose React
 * cannot render HTML): Node loads it at run time instead, beside the React it was built with.
 */
const REACT_DOM_SERVER = 'react-dom/server';
let renderer: Promise<typeof import('react-dom/server')> | undefined;

export function loadRenderer(): Promise<typeof import('react-dom/server')> {
  renderer ??= import(/* webpackIgnore: true */ /* turbopackIgnore: true */ REACT_DOM_SERVER);
  return renderer;
}

async function render(
  context: PageContext,
  title: string,
  body: ReactElement,
): Promise<RenderedPage> {
  const css = stylesheet(context.branding.accentColor);
  const { renderToStaticMarkup } = await loadRenderer();
  const markup = renderToStaticMarkup(
    <Layout context={context} title={title} css={css}>
      {body}
    </Layout>,
  );
  return { html: `<!DOCTYPE html>${markup}`, css };
}

/** The official badges of the stores the device can use: one on a phone, both on a computer. */
function StoreBadges({
  context,
  link,
  platform,
}: {
  context: PageContext;
  link: ActivationLinkView;
  platform: Platform;
}) {
  const t = MESSAGES[context.locale];
  const ios = platform !== 'android' && link.iosUrl;
  const android = platform !== 'ios' && link.androidUrl;
  if (!ios && !android) return <p className="h">{t.noStoreLink}</p>;
  return (
    <div className="badges">
      {ios ? (
        <a
          className="badge"
          id="app-store"
          href={ios}
          aria-label={t.appStoreBadge}
          // biome-ignore lint/security/noDangerouslySetInnerHtml: the stores' artwork, a constant of ours.
          dangerouslySetInnerHTML={{ __html: APP_STORE_BADGE_SVG }}
        />
      ) : null}
      {android ? (
        <a
          className="badge"
          id="google-play"
          href={android}
          aria-label={t.googlePlayBadge}
          // biome-ignore lint/security/noDangerouslySetInnerHtml: the stores' artwork, a constant of ours.
          dangerouslySetInnerHTML={{ __html: GOOGLE_PLAY_BADGE_SVG }}
        />
      ) : null}
    </div>
  );
}

function Step({ n, title }: { n: number; title: string }) {
  return (
    <h2>
      <span className="n">{n}</span>
      {title}
    </h2>
  );
}

export type SetUpPageInput = {
  context: PageContext;
  platform: Platform;
  link: ActivationLinkView;
  /** Where the Activate form posts (`/a/<token>?lang=…`). */
  actionPath: string;
  isNotReady: boolean;
};

/**
 * The page an SMS link opens. A phone gets the steps: get the app, hand it its settings,
 * activate. A computer or a tablet gets the code to continue on the phone, and no button that
 * only works there.
 */
export function renderSetUpPage({
  context,
  platform,
  link,
  actionPath,
  isNotReady,
}: SetUpPageInput): Promise<RenderedPage> {
  const t = MESSAGES[context.locale];
  const { brand, timeZone } = context.branding;
  const title = t.setUpTitle(brand);
  const validUntil = (
    <p className="h">{t.validUntil(formatDateTime(context.locale, timeZone, link.expiresAt))}</p>
  );
  if (platform === 'other') {
    return render(
      context,
      title,
      <>
        <h1>{title}</h1>
        <p>{t.otherDeviceIntro}</p>
        <section aria-labelledby="qr-title">
          <h2 id="qr-title">{t.qrTitle}</h2>
          <p>{t.qrHint}</p>
          <QrCode text={link.pageUrl} label={t.qrLabel} />
        </section>
        <section aria-labelledby="stores-title">
          <h2 id="stores-title">{t.storesOnPhone}</h2>
          <StoreBadges context={context} link={link} platform={platform} />
        </section>
        {validUntil}
      </>,
    );
  }
  const isReminder = link.kind === 'activation';
  const doneHint = isReminder ? <p className="h">{t.reminderDoneHint}</p> : null;
  return render(
    context,
    title,
    <>
      <h1>{title}</h1>
      <p>{isReminder ? t.reminderIntro : t.setUpIntro}</p>
      {isNotReady ? (
        <p className="notice" role="status">
          {t.notReady}
        </p>
      ) : null}
      <ol>
        <li id="install">
          <Step n={1} title={t.installStep} />
          <StoreBadges context={context} link={link} platform={platform} />
          {doneHint}
        </li>
        <li id="open">
          <Step n={2} title={t.openStep} />
          <a className="b s" id="open-app" href={openInAppUrl(link)}>
            {t.openButton(brand)}
          </a>
          <p className="h">{t.openHint}</p>
          {doneHint}
        </li>
        <li id="activate">
          <Step n={3} title={t.activateStep} />
          <form method="post" action={actionPath}>
            <button className="b" type="submit">
              {t.activateButton}
            </button>
          </form>
          <p className="h">{t.activateHint}</p>
        </li>
      </ol>
      {validUntil}
    </>,
  );
}

/** Where Activate lands: done, what happens now, and whom to call. */
export function renderDonePage(context: PageContext): Promise<RenderedPage> {
  const t = MESSAGES[context.locale];
  return render(
    context,
    t.doneTitle,
    <>
      <h1>{t.doneTitle}</h1>
      <p>{t.doneBody(context.branding.brand)}</p>
      <h2>{t.doneNextTitle}</h2>
      <p>{t.doneNext}</p>
    </>,
  );
}

/** A page that only says something: a dead link, too many attempts, a failure. */
function renderMessagePage(
  context: PageContext,
  title: string,
  body: string,
  isSupportAsked = false,
): Promise<RenderedPage> {
  const { support } = context.branding;
  return render(
    context,
    title,
    <>
      <h1>{title}</h1>
      <p>{body}</p>
      {isSupportAsked && support ? (
        <a className="b" id="ask-support" href={support.href}>
          <SupportLabel t={MESSAGES[context.locale]} support={support} />
        </a>
      ) : null}
    </>,
  );
}

export const renderDeadLinkPage = (context: PageContext) =>
  renderMessagePage(
    context,
    MESSAGES[context.locale].deadTitle,
    MESSAGES[context.locale].deadBody,
    true,
  );
export const renderTooManyPage = (context: PageContext) =>
  renderMessagePage(
    context,
    MESSAGES[context.locale].tooManyTitle,
    MESSAGES[context.locale].tooManyBody,
  );
export const renderErrorPage = (context: PageContext) =>
  renderMessagePage(
    context,
    MESSAGES[context.locale].errorTitle,
    MESSAGES[context.locale].errorBody,
    true,
  );
export const renderHomePage = (context: PageContext) =>
  renderMessagePage(context, MESSAGES[context.locale].homeTitle, MESSAGES[context.locale].homeBody);
