import { z } from 'zod';
import { isSafeAppScheme } from './app-scheme.ts';

/** Today's link, which sipops' own app understands: `<scheme>://provision?url=<escaped URL>`. */
export const DEFAULT_APP_LINK = '{scheme}://provision?url={url_encoded}';
/** Linphone's form: its apps take `linphone-config:` followed by the XML's URL. */
export const LINPHONE_APP_LINK = 'linphone-config:{xml_url}';

/** What a template's placeholders stand for. */
export type AppLinkValues = {
  /** The profile's app scheme. */
  scheme: string;
  /** The provisioning URL that answers JSON. */
  url: string;
  /** The same document as Linphone's XML (`….xml`). */
  xmlUrl: string;
};

const PLACEHOLDERS: Record<string, (values: AppLinkValues) => string> = {
  scheme: (values) => values.scheme,
  url: (values) => values.url,
  url_encoded: (values) => encodeURIComponent(values.url),
  xml_url: (values) => values.xmlUrl,
  xml_url_encoded: (values) => encodeURIComponent(values.xmlUrl),
};
const URL_PLACEHOLDERS = ['url', 'url_encoded', 'xml_url', 'xml_url_encoded'];

/** The link a template makes; its scheme is checked again, so a bad row never reaches a page. */
export function renderAppLink(template: string, values: AppLinkValues): string | undefined {
  const link = template.replace(/\{([a-z_]+)\}/g, (whole, name: string) => {
    const fill = PLACEHOLDERS[name];
    return fill ? fill(values) : whole;
  });
  const scheme = /^([a-z][a-z0-9+.-]*):/.exec(link)?.[1];
  return scheme && isSafeAppScheme(scheme) ? link : undefined;
}

/** Why a template cannot be a profile's app link, or undefined when it can. */
function appLinkProblem(template: string): string | undefined {
  if (/[\s\p{Cc}<>"'`\\]/u.test(template))
    return 'must not contain spaces, quotes, angle brackets or control characters';
  const names = [...template.matchAll(/\{([^}]*)\}/g)].map((match) => match[1] ?? '');
  const unknown = names.find((name) => !Object.hasOwn(PLACEHOLDERS, name));
  if (unknown !== undefined)
    return `has an unknown placeholder {${unknown}} (known: ${Object.keys(PLACEHOLDERS)
      .map((name) => `{${name}}`)
      .join(' ')})`;
  if (/[{}]/.test(template.replace(/\{[a-z_]+\}/g, ''))) return 'has an unmatched { or }';
  if (!names.some((name) => URL_PLACEHOLDERS.includes(name)))
    return 'must contain {url}, {url_encoded}, {xml_url} or {xml_url_encoded}, where the link goes';
  const scheme = /^([a-z][a-z0-9+.-]*):/.exec(template.replace('{scheme}', 'sipops'))?.[1];
  if (!scheme) return 'must start with an app scheme such as linphone-config: or {scheme}://';
  if (!isSafeAppScheme(scheme))
    return `must open an app: ${scheme}: is a scheme a browser handles itself`;
  return undefined;
}

/** A profile's "open in the app" link; `linphone` and `sipops` name the two usual forms. */
export const appLinkSchema = z
  .string()
  .trim()
  .max(200, 'must be at most 200 characters')
  .transform((value) =>
    value === 'linphone' ? LINPHONE_APP_LINK : value === 'sipops' ? DEFAULT_APP_LINK : value,
  )
  .superRefine((template, ctx) => {
    const problem = appLinkProblem(template);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
