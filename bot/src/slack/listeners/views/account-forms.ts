import {
  accountChangesSchema,
  plainAccountSchema,
  wizardAccountSchema,
} from '@sipops/shared/account-schemas';
import type { AccountView } from '@sipops/shared/account-view';
import { createPlainAccount } from '@sipops/shared/use-cases/create-plain-account';
import { createWizardAccount } from '@sipops/shared/use-cases/create-wizard-account';
import { editAccount } from '@sipops/shared/use-cases/edit-account';
import { parseInput } from '@sipops/shared/validation';
import { actorOf, type BotContext } from '../../bot-context.ts';
import {
  editedType,
  readCreateAccountForm,
  readEditAccountForm,
  readWizardForm,
} from '../../form-input.ts';
import { buildAccountCard } from '../../views/account-card.ts';
import { type SubmissionArgs, submitForm } from './submit-form.ts';

/** The account's card as a form's answer, with a note on what was done. */
const cardWith = (context: BotContext, account: AccountView, note: string) =>
  buildAccountCard(account, { note, isActivationAvailable: context.isActivationAvailable });

export function createAccountSubmitted(args: SubmissionArgs, context: BotContext): Promise<void> {
  return submitForm(args, context, {
    action: 'account.create',
    title: 'New account',
    run: async ({ state, who, scope }) => {
      const input = parseInput(plainAccountSchema, readCreateAccountForm(state));
      const account = await createPlainAccount(context.deps, actorOf(who), input, scope);
      return cardWith(context, account, `:white_check_mark: Created by <@${who.userId}>, enabled.`);
    },
  });
}

export function wizardSubmitted(args: SubmissionArgs, context: BotContext): Promise<void> {
  return submitForm(args, context, {
    action: 'account.create',
    title: 'New account (wizard)',
    run: async ({ state, who, scope }) => {
      const input = parseInput(wizardAccountSchema, readWizardForm(state));
      const account = await createWizardAccount(context.deps, actorOf(who), input, scope);
      return cardWith(
        context,
        account,
        `:white_check_mark: Created by <@${who.userId}>; disabled until the user activates it. Send the activation SMS to start.`,
      );
    },
  });
}

export function editAccountSubmitted(args: SubmissionArgs, context: BotContext): Promise<void> {
  return submitForm(args, context, {
    action: 'account.edit',
    title: 'Edit account',
    run: async ({ state, metadata, who, scope }) => {
      // The type's own settings are in the form: SNOM accounts have rules, PGSM accounts do not.
      const changes = parseInput(
        accountChangesSchema,
        readEditAccountForm(state, editedType(state)),
      );
      const result = await editAccount(
        context.deps,
        actorOf(who),
        metadata.subject ?? '',
        changes,
        scope,
      );
      const note = result.isChanged ? `:pencil2: Saved by <@${who.userId}>.` : 'Nothing changed.';
      return cardWith(context, result.account, note);
    },
  });
}
