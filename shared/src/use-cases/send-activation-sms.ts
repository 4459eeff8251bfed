import type { Database } from '@sipops/db/client';
import { type AccountRecord, findAccountById } from '@sipops/db/queries';
import { activationLinks, outbox } from '@sipops/db/schema';
import { canGetLinkWhileDisabled, nextStatus } from '../account-lifecycle.ts';
import type { AccountView } from '../account-view.ts';
import {
  activationPageUrl,
  generateLinkToken,
  hashLinkToken,
  type LinkKind,
} from '../activation/activation-link.ts';
import {
  composeSmsText,
  maskSmsText,
  type SmsPayload,
  smsLocaleFor,
} from '../activation/sms-text.ts';
import { encryptSecret } from '../credentials.ts';
import type { ActivationDeps, Actor } from '../deps.ts';
import { AppError } from '../errors.ts';
import { parseMobileNumber } from '../phone-number.ts';
import { requireAccountForUpdate } from '../resolve.ts';
import { revokeLiveLinks, updateAccount } from '../update-account.ts';
import type { QueueActivationSms } from './import-accounts.ts';

export type { ActivationDeps } from '../deps.ts';

export type SendActivationSmsInput = {
  /** Username or either number. */
  account: string;
  /** `installation` (default) starts the flow; `activation` is the reminder to an installed app. */
  kind?: LinkKind;
};

export type SendActivationSmsResult = { account: AccountView; expiresAt: string };

/**
 * Issues a new activation link (the previous one dies), moves the account's status, and queues
 * the SMS in the outbox, all in one transaction: the worker sends it, never the caller's request.
 */
export async function sendActivationSms(
  deps: ActivationDeps,
  actor: Actor,
  input: SendActivationSmsInput,
): Promise<SendActivationSmsResult> {
  return deps.db.transaction(async (tx) => {
    const record = await requireAccountForUpdate(tx, input.account);
    return issueActivationSms(deps, tx, actor, record, input.kind ?? 'installation');
  });
}

/**
 * The SMS of accounts a batch import has just written, queued inside the import's transaction,
 * so that the accounts and their SMS are written together or not at all. Each carries the
 * import's id, by which its progress is counted.
 */
export function createActivationSmsQueue(deps: ActivationDeps, actor: Actor): QueueActivationSms {
  return async (tx, accountIds, importId) => {
    for (const id of accountIds) {
      const record = await findAccountById(tx, id);
      if (!record) throw new Error(`account ${id} vanished during its import`);
      await issueActivationSms(deps, tx, actor, record, 'installation', importId);
    }
  };
}

async function issueActivationSms(
  deps: ActivationDeps,
  tx: Database,
  actor: Actor,
  record: AccountRecord,
  kind: LinkKind,
  importId?: string,
): Promise<SendActivationSmsResult> {
  const { account, profile } = record;
  if (account.type !== 'pgsm') {
    throw new AppError('NOT_ALLOWED', 'only PGSM accounts can get an activation SMS', {
      field: 'type',
    });
  }
  let to: string;
  try {
    to = parseMobileNumber(account.number);
  } catch {
    throw new AppError(
      'NOT_ALLOWED',
      `${account.number} is not an international mobile number: the SMS cannot be sent (configure the client by hand)`,
      { field: 'number' },
    );
  }
  if (!profile) {
    throw new AppError(
      'NOT_ALLOWED',
      'the account has no provisioning profile, nor has its group: set one first',
      { field: 'profile' },
    );
  }
  if (!account.enabled && !canGetLinkWhileDisabled(account)) {
    throw new AppError('NOT_ALLOWED', 'the account is disabled: enable it first', {
      field: 'enabled',
    });
  }
  const status = nextStatus(
    account.status,
    kind === 'installation' ? 'installation_sms_sent' : 'activation_sms_sent',
  );

  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + deps.linkTtlMs);
  await revokeLiveLinks(tx, account.id, now);
  const token = generateLinkToken();
  const [link] = await tx
    .insert(activationLinks)
    .values({
      accountId: account.id,
      tokenHash: hashLinkToken(token),
      kind,
      createdAt: now,
      expiresAt,
    })
    .returning({ id: activationLinks.id });
  if (!link) throw new Error('the activation link was not written');

  const locale = smsLocaleFor(to);
  const text = composeSmsText({
    locale,
    kind,
    brand: profile.brand,
    url: activationPageUrl(deps.publicBaseUrl, token),
  });
  const payload: SmsPayload = {
    accountId: account.id,
    linkId: link.id,
    to,
    locale,
    sealedText: encryptSecret(deps.secretKey, text),
    preview: maskSmsText(text, token),
    validitySeconds: Math.max(1, Math.floor(deps.linkTtlMs / 1000)),
    expiresAt: expiresAt.toISOString(),
    ...(importId === undefined ? {} : { importId }),
  };
  await tx.insert(outbox).values({
    kind: 'sms',
    orderKey: `sms:${account.id}`,
    payload,
    createdAt: now,
    nextAttemptAt: now,
  });
  const view = await updateAccount(deps, tx, record, {
    event: 'account.status_changed',
    actor,
    set: { status, statusChangedAt: now },
  });
  return { account: view, expiresAt: expiresAt.toISOString() };
}
