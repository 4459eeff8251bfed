import { hostPort, uriHost } from '../sip-host.ts';
import type { ProvisioningDocument } from '../use-cases/fetch-provisioning.ts';

const escapeXml = (value: string | number | boolean): string =>
  String(value).replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c,
  );

type Section = [name: string, entries: [key: string, value: string | number | boolean][]];

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n';
const CONFIG_OPEN =
  '<config xmlns="http://www.linphone.org/xsds/lpconfig.xsd" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.linphone.org/xsds/lpconfig.xsd lpconfig.xsd">';

/**
 * What a spent, unknown or refused link answers Linphone: a configuration it parses and that
 * changes nothing, so the app keeps what it has instead of retrying. The reason stands in a
 * comment, for whoever reads the answer; Linphone skips it.
 */
export function emptyLinphoneXml(reason: string): string {
  // A comment may not hold `--` nor end in `-`.
  const comment = reason.replace(/-{2,}/g, '-').replace(/-$/, '');
  return `${XML_HEAD}${CONFIG_OPEN}\n<!-- ${comment} -->\n</config>\n`;
}

/** The credentials: the clear password, or only the HA1 with the realm it was made with. */
function authEntries(doc: ProvisioningDocument): Section[1] {
  const { account, sip } = doc;
  const secret: Section[1] =
    doc.profile.credentials === 'ha1' || account.password === undefined
      ? [
          ['ha1', account.ha1],
          ['algorithm', 'MD5'],
        ]
      : [['passwd', account.password]];
  return [
    ['username', account.username],
    ['userid', account.username],
    ...secret,
    ['realm', account.realm],
    ['domain', sip.host],
  ];
}

/**
 * The provisioning document as Linphone's remote-provisioning XML (lpconfig), so a stock Linphone
 * client can be provisioned; our own settings go in a `sipops` section it ignores.
 * Provisioning is transient: Linphone drops the link once applied and never fetches it again.
 */
export function toLinphoneXml(doc: ProvisioningDocument): string {
  const { account, sip, security, keepAlive } = doc;
  const proxy = hostPort(sip.host, sip.port);
  const sections: Section[] = [
    [
      'sip',
      [
        ['default_proxy', 0],
        // end-to-site: SRTP with the server; end-to-end: ZRTP between the clients.
        ['media_encryption', security.model === 'end-to-end' ? 'zrtp' : 'srtp'],
        ['media_encryption_mandatory', 1],
      ],
    ],
    [
      'proxy_0',
      [
        ['reg_proxy', `<sip:${proxy};transport=${sip.transport}>`],
        ['reg_route', `<sip:${proxy};transport=${sip.transport}>`],
        ['reg_identity', `"${account.number}" <sip:${account.username}@${uriHost(sip.host)}>`],
        ['reg_expires', sip.registrationExpires],
        ['reg_sendregister', 1],
        ['publish', 0],
        ['dial_escape_plus', 0],
      ],
    ],
    ['auth_info_0', authEntries(doc)],
    // The link is spent after activation: applied once, not fetched again at every start.
    ['misc', [['transient_provisioning', 1]]],
    [
      'sipops',
      [
        ['security_model', security.model],
        ['obfuscation', security.obfuscation.enabled ? 1 : 0],
        ['obfuscation_key', security.obfuscation.key],
        ['keep_alive', keepAlive.enabled ? 1 : 0],
        ['keep_alive_interval', keepAlive.intervalSeconds],
        ['number', account.number],
        ['brand', doc.profile.brand],
        ['profile', doc.profile.name],
        ['activate_url', doc.links.activate],
        ['register_key_url', doc.links.registerKey],
      ],
    ],
  ];
  const body = sections
    .map(
      ([name, entries]) =>
        `  <section name="${escapeXml(name)}">\n${entries
          .map(
            ([key, value]) =>
              `    <entry name="${escapeXml(key)}" overwrite="true">${escapeXml(value)}</entry>`,
          )
          .join('\n')}\n  </section>`,
    )
    .join('\n');
  return `${XML_HEAD}${CONFIG_OPEN}\n${body}\n</config>\n`;
}
