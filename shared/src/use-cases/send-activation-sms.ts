import type { Database } from '@sipops/db/client';
import {
  type AccountRecord,
  findAccountsByIds,
  insertLinks,
  insertOutboxRows,
  revokeLiveLinks,
} from '@sipops/db/queries';
import type { SmsTemplates } from '@sipops/db/schema';
import { type AccountStatus, canGetLinkWhileDisabled, nextStatus } from '../account-lifecycle.ts';
import type { AccountView } from '../account-view.ts';
import {
  generateLinkToken,
  hashLinkToken,
  type LinkKind,
  smsLinkUrl,
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
import { recordActivationSmsQueued, type SmsQueuedGroup } from '../record-changes-bulk.ts';
import { requireAccountForUpdate } from '../resolve.ts';
import { updateAccounts } from '../update-account.ts';
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
    const [result] = await issueActivationSms(
      deps,
      tx,
      actor,
      [record],
      input.kind ?? 'installation',
    );
    if (!result) throw new Error('the activation SMS was not issued');
    return result;
  });
}

/** Accounts a statement: a few bound values each stay far below Postgres's 65,535. */
const ACCOUNTS_PER_STATEMENT = 1000;

/**
 * The SMS of accounts a batch import has just written, queued inside the import's transaction,
 * so that the accounts and their SMS are written together or not at all. Each carries the
 * import's id, by which its progress is counted. A thousand accounts a round of statements:
 * one an account made 50,000 wizard rows take minutes.
 */
export function createActivationSmsQueue(deps: ActivationDeps, actor: Actor): QueueActivationSms {
  return async (tx, accountIds, importId) => {
    const byGroup = new Map<string, SmsQueuedGroup>();
    for (let start = 0; start < accountIds.length; start += ACCOUNTS_PER_STATEMENT) {
      const ids = accountIds.slice(start, start + ACCOUNTS_PER_STATEMENT);
      const byId = new Map((await findAccountsByIds(tx, ids)).map((r) => [r.account.id, r]));
      const records = ids.map((id) => {
        const record = byId.get(id);
        if (!record) throw new Error(`account ${id} vanished during its import`);
        return record;
      });
      await issueActivationSms(deps, tx, actor, records, 'installation', importId);
      for (const { group } of records) {
        const counted = byGroup.get(group.id) ?? { groupId: group.id, group: group.name, sms: 0 };
        counted.sms += 1;
        byGroup.set(group.id, counted);
      }
    }
    await recordActivationSmsQueued(tx, {
      actor,
      at: deps.clock.now(),
      importId,
      groups: [...byGroup.values()],
    });
  };
}

/** An account that may get the SMS: where it goes, and the status it moves to. */
type SmsPlan = {
  record: AccountRecord;
  to: string;
  brand: string;
  templates: SmsTemplates;
  status: AccountStatus;
};

/** The checks of one account, before anything is written. */
function planActivationSms(record: AccountRecord, kind: LinkKind): SmsPlan {
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
  return { record, to, brand: profile.brand, templates: profile.smsTemplates, status };
}

/**
 * For each account, in one go: its live links die, a new one is issued, its SMS is queued and
 * its status moves (with audit and notification). Every account is checked before any is written.
 */
async function issueActivationSms(
  deps: ActivationDeps,
  tx: Database,
  actor: Actor,
  records: readonly AccountRecord[],
  kind: LinkKind,
  importId?: string,
): Promise<SendActivationSmsResult[]> {
  const plans = records.map((record) => planActivationSms(record, kind));
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + deps.linkTtlMs);
  await revokeLiveLinks(
    tx,
    records.map((r) => r.account.id),
    now,
  );
  const tokens = plans.map(() => generateLinkToken());
  const links = await insertLinks(
    tx,
    plans.map((plan, i) => ({
      accountId: plan.record.account.id,
      tokenHash: hashLinkToken(tokens[i] ?? ''),
      kind,
      createdAt: now,
      expiresAt,
    })),
  );
  const linkOf = new Map(links.map((link) => [link.accountId, link.id]));

  await insertOutboxRows(
    tx,
    plans.map((plan, i) => {
      const token = tokens[i] ?? '';
      const linkId = linkOf.get(plan.record.account.id);
      if (!linkId) throw new Error('the activation link was not written');
      const locale = smsLocaleFor(plan.to);
      const text = composeSmsText({
        locale,
        kind,
        brand: plan.brand,
        url: smsLinkUrl(deps.publicBaseUrl, token, locale),
        templates: plan.templates,
      });
      const payload: SmsPayload = {
        accountId: plan.record.account.id,
        linkId,
        to: plan.to,
        locale,
        sealedText: encryptSecret(deps.secretKey, text),
        preview: maskSmsText(text, token),
        validitySeconds: Math.max(1, Math.floor(deps.linkTtlMs / 1000)),
        expiresAt: expiresAt.toISOString(),
        ...(importId === undefined ? {} : { importId }),
      };
      return {
        kind: 'sms' as const,
        orderKey: `sms:${plan.record.account.id}`,
        payload,
        createdAt: now,
        nextAttemptAt: now,
      };
    }),
  );
  const views = await updateAccounts(
    deps,
    tx,
    plans.map((plan) => ({
      record: plan.record,
      set: { status: plan.status, statusChangedAt: now },
    })),
    // A batch's SMS notify once per group, after the loop of createActivationSmsQueue.
    { event: 'account.status_changed', actor, isNotified: importId === undefined },
  );
  return views.map((account) => ({ account, expiresAt: expiresAt.toISOString() }));
}
