import { escapeText, type SlackMessage, section } from './blocks.ts';

/** How each subcommand is typed; the help and every usage error show these lines. */
export const SIP_USAGE = {
  create: '/sip create [pgsm|snom]',
  wizard: '/sip wizard',
  edit: '/sip edit <account>',
  show: '/sip show <account>',
  list: '/sip list [--group <group>] [--status <status>] [--enabled yes|no]',
  find: '/sip find <part of a username or number> [--group <group>] [--status <status>] [--enabled yes|no]',
  clients: '/sip clients [group]',
  batch: '/sip batch',
  disable: '/sip disable <account>',
  enable: '/sip enable <account>',
  delete: '/sip delete <account>',
  'revoke-keys': '/sip revoke-keys <account>',
  activate: '/sip activate <account>',
  groups: '/sip groups [new]',
  profiles: '/sip profiles [new | edit <profile>]',
  role: '/sip role @user admin|support|manager|none [group,group]  ·  /sip role list',
  history: '/sip history <account> | --group <group> | --profile <profile>',
  help: '/sip help',
} as const;
export type SubcommandName = keyof typeof SIP_USAGE;

const WHAT: Record<SubcommandName, string> = {
  create: 'a new account, every field (PGSM or SNOM)',
  wizard: 'a new PGSM account for automatic activation',
  edit: 'change an account',
  show: 'an account’s card, with its buttons',
  list: 'accounts, a page at a time',
  find: 'accounts by part of a username or number',
  clients: 'who is registered on the SIP server now',
  batch: 'many accounts from a CSV file',
  disable: 'stop an account calling and being called',
  enable: 'let a disabled account work again',
  delete: 'delete an account',
  'revoke-keys': 'revoke the keys of an account’s client',
  activate: 'send the activation SMS',
  groups: 'the groups (admins: new group)',
  profiles: 'the provisioning profiles (admins: new, edit)',
  role: 'who may do what, in every group or in the groups named (admins)',
  history: 'who changed what and when, newest first',
  help: 'this help',
};

export const usageOf = (name: SubcommandName): string => `Usage: \`${SIP_USAGE[name]}\``;

export function buildHelp(note?: string): SlackMessage {
  const lines = (Object.keys(SIP_USAGE) as SubcommandName[]).map(
    (name) => `\`${SIP_USAGE[name]}\`\n      ${WHAT[name]}`,
  );
  const text = [
    note ? `${escapeText(note)}\n` : '',
    '*sipops* — SIP accounts from Slack',
    ...lines,
    '\nAn account is named by its username or either of its numbers. Roles: *manager* reads, *support* also changes accounts, *admin* also manages groups, profiles and roles.',
  ]
    .filter(Boolean)
    .join('\n');
  return { text: 'sipops help', blocks: [section(text)] };
}
