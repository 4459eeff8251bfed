import { describe, expect, it } from 'vitest';
import type { ProvisioningDocument } from '../use-cases/fetch-provisioning.ts';
import { emptyLinphoneXml, toLinphoneXml } from './linphone-xml.ts';

const DOC: ProvisioningDocument = {
  version: 1,
  account: {
    username: 'u1000',
    password: 'Secret&<pass>',
    ha1: '0123456789abcdef0123456789abcdef',
    number: '+393470000001',
    realm: 'realm.example.com',
  },
  sip: { host: 'sip.example.com', port: 5060, transport: 'udp', registrationExpires: 600 },
  security: { model: 'end-to-end', obfuscation: { enabled: false, key: 9 } },
  keepAlive: { enabled: false, intervalSeconds: 60 },
  profile: {
    name: 'std',
    brand: 'Acme',
    appScheme: 'acme',
    credentials: 'password',
    iosUrl: null,
    androidUrl: null,
  },
  links: { activate: 'https://x/a/t', registerKey: 'https://x/api/provisioning/t/key' },
};

/** The entries of one section, as Linphone reads them. */
function section(xml: string, name: string): Record<string, string> {
  const body = new RegExp(`<section name="${name}">([\\s\\S]*?)</section>`).exec(xml)?.[1] ?? '';
  return Object.fromEntries(
    [...body.matchAll(/<entry name="([^"]+)" overwrite="true">([^<]*)<\/entry>/g)].map((m) => [
      m[1],
      (m[2] ?? '')
        .replaceAll('&lt;', '<')
        .replaceAll('&gt;', '>')
        .replaceAll('&quot;', '"')
        .replaceAll('&apos;', "'")
        .replaceAll('&amp;', '&'),
    ]),
  );
}

describe('toLinphoneXml', () => {
  it("is provisioned once (transient), registers for the profile's time over its transport", () => {
    const xml = toLinphoneXml(DOC);
    expect(xml).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<config xmlns="http:\/\/www\.linphone\.org\/xsds\/lpconfig\.xsd"/,
    );
    expect(section(xml, 'misc')).toEqual({ transient_provisioning: '1' });
    expect(section(xml, 'proxy_0')).toMatchObject({
      reg_proxy: '<sip:sip.example.com:5060;transport=udp>',
      reg_identity: '"+393470000001" <sip:u1000@sip.example.com>',
      reg_expires: '600',
      reg_sendregister: '1',
    });
    expect(section(xml, 'sip')).toMatchObject({
      media_encryption: 'zrtp',
      media_encryption_mandatory: '1',
    });
  });

  it('puts an IPv6 SIP host in brackets in the SIP URIs', () => {
    const xml = toLinphoneXml({ ...DOC, sip: { ...DOC.sip, host: '2001:db8::1', port: 5061 } });
    expect(section(xml, 'proxy_0')).toMatchObject({
      reg_proxy: '<sip:[2001:db8::1]:5061;transport=udp>',
      reg_route: '<sip:[2001:db8::1]:5061;transport=udp>',
      reg_identity: '"+393470000001" <sip:u1000@[2001:db8::1]>',
    });
  });

  it('carries the clear password, escaped, when the profile says password', () => {
    const auth = section(toLinphoneXml(DOC), 'auth_info_0');
    expect(auth).toEqual({
      username: 'u1000',
      userid: 'u1000',
      passwd: 'Secret&<pass>',
      realm: 'realm.example.com',
      domain: 'sip.example.com',
    });
  });

  it('carries only the HA1, its realm and MD5 when the profile says ha1', () => {
    const { password: _password, ...account } = DOC.account;
    const xml = toLinphoneXml({ ...DOC, account, profile: { ...DOC.profile, credentials: 'ha1' } });
    expect(section(xml, 'auth_info_0')).toEqual({
      username: 'u1000',
      userid: 'u1000',
      ha1: '0123456789abcdef0123456789abcdef',
      algorithm: 'MD5',
      realm: 'realm.example.com',
      domain: 'sip.example.com',
    });
    expect(xml).not.toContain('passwd');
  });

  it('asks end-to-site accounts for SRTP', () => {
    const xml = toLinphoneXml({ ...DOC, security: { ...DOC.security, model: 'end-to-site' } });
    expect(section(xml, 'sip').media_encryption).toBe('srtp');
  });

  it('answers a dead link with a configuration that sets nothing, saying why in a comment', () => {
    const xml = emptyLinphoneXml('this link is not valid any more -- ask support-');
    expect(xml).toMatch(
      /<config xmlns="[^"]+"[^>]*>\n<!-- this link is not valid any more - ask support -->\n<\/config>\n$/,
    );
    expect(xml).not.toContain('<section');
  });
});
