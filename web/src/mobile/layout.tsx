import type { PageBranding } from '@sipops/shared/branding/page-branding';
import type { SupportContact } from '@sipops/shared/branding/support-contact';
import { LOCALES, type Locale, MESSAGES, type Messages } from '@sipops/shared/locales/index';
import type { ReactNode } from 'react';

/** What every page is drawn with: its language, its profile's branding, its own address per language. */
export type PageContext = {
  locale: Locale;
  branding: PageBranding;
  /** This page's address in another language (the switch's links). */
  hrefFor: (locale: Locale) => string;
};

/** "Call support: +39 06 1234 5678", the contact kept on one line. */
export function SupportLabel({ t, support }: { t: Messages; support: SupportContact }) {
  const label = { phone: t.supportPhone, email: t.supportEmail, web: t.supportWeb }[support.kind];
  return (
    <>
      {`${label}: `}
      <span className="nw">{support.text}</span>
    </>
  );
}

function LanguageSwitch({ context }: { context: PageContext }) {
  const t = MESSAGES[context.locale];
  return (
    <nav aria-label={t.languageLabel}>
      <ul>
        {LOCALES.map((locale) => (
          <li key={locale}>
            <a
              href={context.hrefFor(locale)}
              hrefLang={locale}
              lang={locale}
              aria-current={locale === context.locale ? 'true' : undefined}
            >
              {MESSAGES[locale].name}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** The support contact, on every page: the one way out when something does not work. */
function SupportFooter({ context }: { context: PageContext }) {
  const t = MESSAGES[context.locale];
  const { support } = context.branding;
  return (
    <footer>
      <h2>{t.supportTitle}</h2>
      {support ? (
        <a id="support" href={support.href}>
          <SupportLabel t={t} support={support} />
        </a>
      ) : (
        <p>{t.noSupport}</p>
      )}
    </footer>
  );
}

export function Layout({
  context,
  title,
  css,
  children,
}: {
  context: PageContext;
  title: string;
  css: string;
  children: ReactNode;
}) {
  const { branding } = context;
  return (
    <html lang={context.locale}>
      {/* biome-ignore lint/style/noHeadElement: a whole document rendered to static markup, not a Next page. */}
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <meta name="robots" content="noindex,nofollow" />
        <meta name="referrer" content="no-referrer" />
        <link rel="icon" href="data:," />
        <title>{title}</title>
        {/* biome-ignore lint/security/noDangerouslySetInnerHtml: our stylesheet, byte for byte: its hash is in the CSP. */}
        <style dangerouslySetInnerHTML={{ __html: css }} />
      </head>
      <body>
        <header>
          <div className="bar">
            <p className="brand">
              {branding.logoPath ? (
                // biome-ignore lint/performance/noImgElement: static markup; Next's <Image> needs its client script.
                <img src={branding.logoPath} alt={branding.brand} height={40} />
              ) : (
                branding.brand
              )}
            </p>
            <LanguageSwitch context={context} />
          </div>
        </header>
        <main>{children}</main>
        <SupportFooter context={context} />
      </body>
    </html>
  );
}
