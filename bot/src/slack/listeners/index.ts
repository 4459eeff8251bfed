import type {
  App,
  BlockAction,
  ButtonAction,
  RadioButtonsAction,
  ViewSubmitAction,
} from '@slack/bolt';
import type { BotContext } from '../bot-context.ts';
import { DeliveryLedger } from '../delivery-ledger.ts';
import { CARD_ACTIONS } from '../views/account-card.ts';
import { ACCOUNT_FORMS } from '../views/account-forms.ts';
import { PAGE_ACTIONS } from '../views/account-list.ts';
import { BATCH_ACTIONS, BATCH_FORM } from '../views/batch.ts';
import { HISTORY_MORE_ACTION } from '../views/history.ts';
import { SETUP_FORMS } from '../views/setup-forms.ts';
import { SETUP_ACTIONS } from '../views/setup-lists.ts';
import {
  activateButton,
  deleteButton,
  disableButton,
  editButton,
  enableButton,
  revokeKeysButton,
} from './actions/account-buttons.ts';
import {
  historyButton,
  historyMoreButton,
  openAccountButton,
  pageButton,
} from './actions/account-pages.ts';
import { accountTypeChanged } from './actions/account-type.ts';
import { batchImportButton } from './actions/batch-import.ts';
import { editProfileButton, newGroupButton, newProfileButton } from './actions/setup-buttons.ts';
import { sipCommand } from './commands/sip.ts';
import { appHomeOpened } from './events/app-home-opened.ts';
import { ignoreRepeatedDeliveries } from './middleware/ignore-repeated-deliveries.ts';
import { requireSlackUser } from './middleware/require-slack-user.ts';
import {
  createAccountSubmitted,
  editAccountSubmitted,
  wizardSubmitted,
} from './views/account-forms.ts';
import { batchSubmitted } from './views/batch-form.ts';
import { groupSubmitted, profileEditSubmitted, profileSubmitted } from './views/setup-forms.ts';

type Button = BlockAction<ButtonAction>;

const startsWith = (prefix: string) => new RegExp(`^${prefix}(:\\d+)?$`);

/** Every listener of the bot, in one place. */
export function registerListeners(app: App, context: BotContext): void {
  app.use(requireSlackUser());
  app.use(ignoreRepeatedDeliveries(new DeliveryLedger()));

  app.command('/sip', (args) => sipCommand(args, context));
  app.event('app_home_opened', (args) => appHomeOpened(args, context));

  app.action<Button>(CARD_ACTIONS.edit, (args) => editButton(args, context));
  app.action<Button>(CARD_ACTIONS.activate, (args) => activateButton(args, context));
  app.action<Button>(CARD_ACTIONS.disable, (args) => disableButton(args, context));
  app.action<Button>(CARD_ACTIONS.enable, (args) => enableButton(args, context));
  app.action<Button>(CARD_ACTIONS.revokeKeys, (args) => revokeKeysButton(args, context));
  app.action<Button>(CARD_ACTIONS.delete, (args) => deleteButton(args, context));
  app.action<Button>(CARD_ACTIONS.history, (args) => historyButton(args, context));
  app.action<Button>(HISTORY_MORE_ACTION, (args) => historyMoreButton(args, context));
  app.action<Button>(PAGE_ACTIONS.previous, (args) => pageButton(args, context));
  app.action<Button>(PAGE_ACTIONS.next, (args) => pageButton(args, context));
  app.action<Button>(startsWith(PAGE_ACTIONS.open), (args) => openAccountButton(args, context));
  app.action<Button>(SETUP_ACTIONS.newGroup, (args) => newGroupButton(args, context));
  app.action<Button>(SETUP_ACTIONS.newProfile, (args) => newProfileButton(args, context));
  app.action<Button>(startsWith(SETUP_ACTIONS.editProfile), (args) =>
    editProfileButton(args, context),
  );
  app.action<Button>(BATCH_ACTIONS.import, (args) => batchImportButton(args, context));
  app.action<BlockAction<RadioButtonsAction>>({ block_id: 'type', action_id: 'type' }, (args) =>
    accountTypeChanged(args, context),
  );

  app.view<ViewSubmitAction>(ACCOUNT_FORMS.create, (args) => createAccountSubmitted(args, context));
  app.view<ViewSubmitAction>(ACCOUNT_FORMS.wizard, (args) => wizardSubmitted(args, context));
  app.view<ViewSubmitAction>(ACCOUNT_FORMS.edit, (args) => editAccountSubmitted(args, context));
  app.view<ViewSubmitAction>(BATCH_FORM, (args) => batchSubmitted(args, context));
  app.view<ViewSubmitAction>(SETUP_FORMS.group, (args) => groupSubmitted(args, context));
  app.view<ViewSubmitAction>(SETUP_FORMS.profileCreate, (args) => profileSubmitted(args, context));
  app.view<ViewSubmitAction>(SETUP_FORMS.profileEdit, (args) =>
    profileEditSubmitted(args, context),
  );
}
