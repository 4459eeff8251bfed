import { describe, expect, it } from 'vitest';
import { appLinkSchema, DEFAULT_APP_LINK, LINPHONE_APP_LINK, renderAppLink } from './app-link.ts';

const URLS = {
  scheme: 'acme',
  url: 'https://sip.example.com/api/provisioning/tok',
  xmlUrl: 'https://sip.example.com/api/provisioning/tok.xml',
};

describe('renderAppLink', () => {
  it('makes the default link with the escaped JSON URL', () => {
    expect(renderAppLink(DEFAULT_APP_LINK, URLS)).toBe(
      `acme://provision?url=${encodeURIComponent(URLS.url)}`,
    );
  });
  it("makes Linphone's link with the XML URL as it is", () => {
    expect(renderAppLink(LINPHONE_APP_LINK, URLS)).toBe(`linphone-config:${URLS.xmlUrl}`);
  });
  it.each(['javascript:alert(1)//{url}', '{url}', 'data:text/html,{url}', 'HTTPS://x/{url}'])(
    'refuses to make an unsafe link from %s',
    (template) => {
      expect(renderAppLink(template, URLS)).toBeUndefined();
    },
  );
});

describe('appLinkSchema', () => {
  it.each([
    ['linphone', LINPHONE_APP_LINK],
    ['sipops', DEFAULT_APP_LINK],
    [' linphone-config:{xml_url} ', LINPHONE_APP_LINK],
    ['acme://setup?config={xml_url_encoded}', 'acme://setup?config={xml_url_encoded}'],
  ])('takes %s', (input, saved) => {
    expect(appLinkSchema.parse(input)).toBe(saved);
  });
  it.each([
    ['javascript:{url}', /browser handles itself/],
    ['https://example.com/?u={url}', /browser handles itself/],
    ['{url}', /must start with an app scheme/],
    ['acme://provision', /must contain \{url\}/],
    ['acme://provision?url={token}', /unknown placeholder \{token\}/],
    ['acme://provision?url={url', /unmatched/],
    ['acme://x?u={url}&t=<b>', /angle brackets/],
    ['acme://x?u={url} y', /spaces/],
    [`acme://${'x'.repeat(200)}{url}`, /at most 200/],
  ])('refuses %s', (input, message) => {
    const parsed = appLinkSchema.safeParse(input);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.message).join('; ')).toMatch(message);
  });
});
