/**
 * Requests as Slack sends them to the app: slash commands (form body), block_actions and
 * view_submission (a `payload` field of JSON). Only what Bolt and sipops read, with Slack's names.
 */

export const TEAM = 'T0FAKE';
export const APP = 'A0FAKE';

let counter = 0;
const next = () => String(++counter).padStart(6, '0');

/** A fresh trigger id; one starting with `expired` is refused by the fake like a stale one. */
export const triggerId = (prefix = 'trigger') => `${prefix}.${next()}.abc`;

export type Encoded = { body: string; contentType: string };

export function slashCommand(input: {
  text: string;
  userId: string;
  responseUrl: string;
  teamId?: string;
  channelId?: string;
  triggerId?: string;
}): Encoded {
  const fields = {
    token: 'legacy-token',
    team_id: input.teamId ?? TEAM,
    team_domain: 'fake',
    channel_id: input.channelId ?? 'C0SUPPORT',
    channel_name: 'support',
    user_id: input.userId,
    user_name: input.userId.toLowerCase(),
    command: '/sip',
    text: input.text,
    api_app_id: APP,
    is_enterprise_install: 'false',
    response_url: input.responseUrl,
    trigger_id: input.triggerId ?? triggerId(),
  };
  return {
    body: new URLSearchParams(fields).toString(),
    contentType: 'application/x-www-form-urlencoded',
  };
}

function interactive(payload: Record<string, unknown>): Encoded {
  return {
    body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
    contentType: 'application/x-www-form-urlencoded',
  };
}

const userOf = (userId: string, teamId = TEAM) => ({
  id: userId,
  username: userId.toLowerCase(),
  name: userId.toLowerCase(),
  team_id: teamId,
});

/** A button pressed on a message (an ephemeral card or list). */
export function buttonPress(input: {
  userId: string;
  actionId: string;
  value: string | undefined;
  responseUrl: string;
  blockId?: string;
  teamId?: string;
  triggerId?: string;
  /** The message the button is on (default: an ephemeral one in C0SUPPORT). */
  message?: { channel: string; ts: string };
}): Encoded {
  return interactive({
    type: 'block_actions',
    user: userOf(input.userId, input.teamId),
    api_app_id: APP,
    token: 'legacy-token',
    container: {
      type: 'message',
      message_ts: input.message?.ts ?? '1700000000.000100',
      channel_id: input.message?.channel ?? 'C0SUPPORT',
      is_ephemeral: input.message === undefined,
    },
    trigger_id: input.triggerId ?? triggerId(),
    team: { id: input.teamId ?? TEAM, domain: 'fake' },
    channel: { id: 'C0SUPPORT', name: 'support' },
    response_url: input.responseUrl,
    actions: [
      {
        type: 'button',
        action_id: input.actionId,
        block_id: input.blockId ?? 'actions',
        text: { type: 'plain_text', text: 'button' },
        ...(input.value === undefined ? {} : { value: input.value }),
        action_ts: `${Math.floor(Date.now() / 1000)}.${next()}`,
      },
    ],
  });
}

/** The modal as the bot last sent it (`views.open` / `views.update`), with the fake's id. */
export type SentView = {
  id: string;
  callback_id?: string;
  private_metadata?: string;
  blocks: Record<string, unknown>[];
};

type Element = Record<string, unknown> & { type: string; action_id?: string };

/** What Slack's state holds for an input, from the value typed (or its initial value). */
function stateValue(element: Element, value: unknown): Record<string, unknown> {
  const options = (element.options as { value: string; text: unknown }[] | undefined) ?? [];
  const pick = (picked: string) =>
    options.find((option) => option.value === picked) ?? {
      text: { type: 'plain_text', text: picked },
      value: picked,
    };
  switch (element.type) {
    case 'plain_text_input':
      return {
        type: element.type,
        value: value === undefined ? (element.initial_value ?? null) : (value as string | null),
      };
    case 'static_select':
    case 'radio_buttons':
      return {
        type: element.type,
        selected_option:
          value === undefined
            ? (element.initial_option ?? null)
            : value === null
              ? null
              : pick(String(value)),
      };
    case 'checkboxes':
      return {
        type: element.type,
        selected_options:
          value === undefined
            ? (element.initial_options ?? [])
            : value === true
              ? options.slice(0, 1)
              : [],
      };
    case 'file_input':
      // Slack gives the uploaded files' details; the bot reads their id and name.
      return {
        type: element.type,
        files: ((value as { id: string; name: string }[] | undefined) ?? []).map((file) => ({
          ...file,
          title: file.name,
          filetype: 'csv',
        })),
      };
    case 'conversations_select':
      return { type: element.type, selected_conversation: value ?? null };
    default:
      throw new Error(`no state for a ${element.type}`);
  }
}

/** The state of a view's inputs: the values given by block id, the initial ones for the rest. */
export function viewState(
  view: SentView,
  values: Record<string, unknown>,
): Record<string, Record<string, Record<string, unknown>>> {
  const state: Record<string, Record<string, Record<string, unknown>>> = {};
  for (const block of view.blocks) {
    if (block.type !== 'input') continue;
    const blockId = String(block.block_id);
    const element = block.element as Element;
    state[blockId] = { [String(element.action_id)]: stateValue(element, values[blockId]) };
  }
  const unknown = Object.keys(values).filter((key) => !(key in state));
  if (unknown.length > 0) throw new Error(`the view has no input ${unknown.join(', ')}`);
  return state;
}

function viewPayload(view: SentView, values: Record<string, unknown>) {
  return {
    id: view.id,
    team_id: TEAM,
    type: 'modal',
    blocks: view.blocks,
    private_metadata: view.private_metadata ?? '',
    callback_id: view.callback_id ?? '',
    state: { values: viewState(view, values) },
    title: { type: 'plain_text', text: 'sipops' },
    root_view_id: view.id,
    app_id: APP,
    bot_id: 'B0BOT',
  };
}

/** The user submits a modal, having typed `values` (block id → text, option value or boolean). */
export function viewSubmission(input: {
  userId: string;
  view: SentView;
  values: Record<string, unknown>;
  teamId?: string;
}): Encoded {
  return interactive({
    type: 'view_submission',
    team: { id: input.teamId ?? TEAM, domain: 'fake' },
    user: userOf(input.userId, input.teamId),
    api_app_id: APP,
    token: 'legacy-token',
    trigger_id: triggerId(),
    view: viewPayload(input.view, input.values),
    response_urls: [],
  });
}

/** A choice made inside a modal on an input with `dispatch_action` (the account type). */
export function viewRadioChange(input: {
  userId: string;
  view: SentView;
  blockId: string;
  value: string;
  values?: Record<string, unknown>;
}): Encoded {
  return interactive({
    type: 'block_actions',
    user: userOf(input.userId),
    api_app_id: APP,
    token: 'legacy-token',
    container: { type: 'view', view_id: input.view.id },
    trigger_id: triggerId(),
    team: { id: TEAM, domain: 'fake' },
    view: viewPayload(input.view, { ...input.values, [input.blockId]: input.value }),
    actions: [
      {
        type: 'radio_buttons',
        action_id: input.blockId,
        block_id: input.blockId,
        selected_option: { text: { type: 'plain_text', text: input.value }, value: input.value },
        action_ts: `${Math.floor(Date.now() / 1000)}.${next()}`,
      },
    ],
  });
}
