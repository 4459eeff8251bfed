import { ACCOUNT_FIELD_NAMES, ACCOUNT_FIELDS, appliesTo } from '../account-fields.ts';
import type { AccountChanges } from '../account-schemas.ts';
import type { AccountView } from '../account-view.ts';
import { toAccountView } from '../account-view.ts';
import { type GroupScope, requireGroupInScope } from '../authorize.ts';
import { computeSipHa1, decryptSecret, encryptSecret } from '../credentials.ts';
import type { Actor, Deps } from '../deps.ts';
import { AppError, assertNoIssues } from '../errors.ts';
import { requireAccountForUpdate, requireGroup, requireProfile } from '../resolve.ts';
import { readAccountRealm } from '../sip-realm.ts';
import { updateAccount } from '../update-account.ts';

export type EditAccountResult = { account: AccountView; isChanged: boolean };

/**
 * Edits every field but the numbers and the type (those need delete and re-create). Fields of
 * the other type are refused, and a wizard account's password stays the generated one.
 */
export async function editAccount(
  deps: Deps,
  actor: Actor,
  name: string,
  changes: AccountChanges,
  scope: GroupScope = null,
): Promise<EditAccountResult> {
  return deps.db.transaction(async (tx) => {
    const record = await requireAccountForUpdate(tx, name);
    requireGroupInScope(scope, record.group.id, `account "${name}"`, 'account');
    const { account } = record;
    const issues: { field: string; message: string }[] = ACCOUNT_FIELDS.filter(
      (field) => !appliesTo(field, account.type) && changes[field.name] !== undefined,
    ).map((field) => ({
      field: field.name,
      message: `does not apply to ${account.type.toUpperCase()} accounts`,
    }));
    if (changes.password !== undefined && account.createdVia === 'wizard') {
      issues.push({
        field: 'password',
        message: 'is generated for wizard accounts and cannot be edited',
      });
    }
    assertNoIssues('VALIDATION', issues);

    const set: Parameters<typeof updateAccount>[3]['set'] = {};
    if (changes.group !== undefined) {
      const group = await requireGroup(tx, changes.group);
      requireGroupInScope(scope, group.id, `group "${group.name}"`);
      set.groupId = group.id;
    }
    if (changes.profile !== undefined)
      set.profileId =
        changes.profile === null ? null : (await requireProfile(tx, changes.profile)).id;
    for (const field of ACCOUNT_FIELD_NAMES) {
      if (changes[field] !== undefined) Object.assign(set, { [field]: changes[field] });
    }
    // A new group or profile can bring a new realm: the HA1 follows the effective profile.
    const realm = await readAccountRealm(tx, {
      profileId: set.profileId !== undefined ? set.profileId : account.profileId,
      groupId: set.groupId ?? account.groupId,
    });
    const isPasswordChanged =
      changes.password !== undefined &&
      computeSipHa1(account.username, account.sipHa1Realm, changes.password) !== account.sipHa1;
    if (changes.password !== undefined) {
      set.passwordEncrypted = encryptSecret(deps.secretKey, changes.password);
      set.sipHa1 = computeSipHa1(account.username, realm, changes.password);
      set.sipHa1Realm = realm;
    } else if (realm !== account.sipHa1Realm) {
      const password = decryptSecret(deps.secretKey, account.passwordEncrypted);
      set.sipHa1 = computeSipHa1(account.username, realm, password);
      set.sipHa1Realm = realm;
    }
    // A fresh IV makes every ciphertext differ, so the HA1 alone tells whether the password changed.
    const isChanged = Object.entries(set).some(
      ([key, value]) =>
        key !== 'passwordEncrypted' &&
        JSON.stringify(account[key as keyof typeof account]) !== JSON.stringify(value),
    );
    if (!isChanged) return { account: toAccountView(record), isChanged: false };

    const after = await updateAccount(deps, tx, record, {
      event: 'account.edited',
      actor,
      set,
      isPasswordChanged,
    });
    if (account.createdVia === 'wizard' && after.profile === null) {
      throw new AppError(
        'VALIDATION',
        "a wizard account needs a profile, of its own or its group's",
        { field: 'profile' },
      );
    }
    return { account: after, isChanged: true };
  });
}
