import type {
  ActionsBlock,
  ConfirmationDialog,
  ContextBlock,
  KnownBlock,
  ModalView,
  MrkdwnElement,
  PlainTextElement,
  PlainTextOption,
  SectionBlock,
} from '@slack/types';

/** Slack's limits that the builders keep to (Block Kit reference). */
export const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  fieldText: 2000,
  sectionFields: 10,
  headerText: 150,
  modalTitle: 24,
  buttonText: 75,
  buttonValue: 2000,
  optionText: 75,
  optionValue: 150,
  selectOptions: 100,
  confirmTitle: 100,
  confirmText: 300,
  privateMetadata: 3000,
  contextElements: 10,
} as const;

/** A message as `respond`, chat.postMessage and response URLs take it. */
export type SlackMessage = { text: string; blocks?: KnownBlock[] };

/** Cuts text to a limit, saying that it was cut. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export const plain = (text: string, max: number = LIMITS.sectionText): PlainTextElement => ({
  type: 'plain_text',
  text: truncate(text || ' ', max),
  emoji: true,
});

export const mrkdwn = (text: string, max: number = LIMITS.sectionText): MrkdwnElement => ({
  type: 'mrkdwn',
  text: truncate(text || ' ', max),
});

/** Escapes the three characters Slack's mrkdwn treats as markup. */
export function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export const section = (text: string, blockId?: string): SectionBlock => ({
  type: 'section',
  ...(blockId ? { block_id: blockId } : {}),
  text: mrkdwn(text),
});

export const context = (...texts: string[]): ContextBlock => ({
  type: 'context',
  elements: texts.slice(0, LIMITS.contextElements).map((text) => mrkdwn(text)),
});

/** A page's buttons (More, Previous / Next) as the last block, or "That is all." when none. */
export function pagingBlock(
  blockId: string,
  buttons: { actionId: string; text: string; value: string }[],
): ActionsBlock | ContextBlock {
  if (buttons.length === 0) return context('That is all.');
  return {
    type: 'actions',
    block_id: blockId,
    elements: buttons.map(({ actionId, text, value }) => ({
      type: 'button',
      action_id: actionId,
      text: plain(text, LIMITS.buttonText),
      value,
    })),
  };
}

export const option = (text: string, value: string, description?: string): PlainTextOption => ({
  text: plain(text, LIMITS.optionText),
  value: truncate(value, LIMITS.optionValue),
  ...(description ? { description: plain(description, LIMITS.optionText) } : {}),
});

export function confirmDialog(
  title: string,
  text: string,
  confirm: string,
  style: 'danger' | 'primary' = 'danger',
): ConfirmationDialog {
  return {
    title: plain(title, LIMITS.confirmTitle),
    text: mrkdwn(text, LIMITS.confirmText),
    confirm: plain(confirm, 30),
    deny: plain('Cancel', 30),
    style,
  };
}

/**
 * Lines of mrkdwn packed into as few sections as fit, at most `maxBlocks` of them; what does not
 * fit is replaced by `overflow(n)`, the number of lines left out.
 */
export function linesToSections(
  lines: string[],
  maxBlocks: number,
  overflow: (left: number) => string,
): SectionBlock[] {
  const max = LIMITS.sectionText;
  const texts: string[] = [];
  let used = 0;
  for (const line of lines) {
    const safe = truncate(line, max);
    const last = texts.length - 1;
    const tail = texts[last];
    if (tail !== undefined && tail.length + 1 + safe.length <= max) {
      texts[last] = `${tail}\n${safe}`;
    } else if (texts.length < maxBlocks) {
      texts.push(safe);
    } else {
      break;
    }
    used++;
  }
  const left = lines.length - used;
  if (left > 0) {
    const note = overflow(left);
    const last = texts.length - 1;
    const tail = texts[last] ?? '';
    if (last >= 0 && tail.length + 1 + note.length <= max) texts[last] = `${tail}\n${note}`;
    else if (texts.length < maxBlocks) texts.push(note);
    else texts[last] = `${truncate(tail, max - note.length - 1)}\n${note}`;
  }
  return texts.map((text) => section(text));
}

/** A slack date that each reader sees in their own time zone, with the ISO text as fallback. */
export function slackDate(iso: string): string {
  const seconds = Math.floor(new Date(iso).getTime() / 1000);
  return `<!date^${seconds}^{date_short_pretty} {time}|${iso}>`;
}

export function modal(
  title: string,
  blocks: KnownBlock[],
  options: { callbackId?: string; submit?: string; close?: string; privateMetadata?: string } = {},
): ModalView {
  return {
    type: 'modal',
    title: plain(title, LIMITS.modalTitle),
    ...(options.callbackId ? { callback_id: options.callbackId } : {}),
    ...(options.submit ? { submit: plain(options.submit, 24) } : {}),
    close: plain(options.close ?? 'Close', 24),
    ...(options.privateMetadata !== undefined ? { private_metadata: options.privateMetadata } : {}),
    blocks,
  };
}

/** The modal shown while the bot loads what a form needs (the trigger id must be used at once). */
export function buildLoadingModal(title: string): ModalView {
  return modal(title, [section(':hourglass_flowing_sand: Loading…')]);
}

/** A modal that only says something: a refusal, a failure, nothing to edit. */
export function buildNoticeModal(title: string, text: string): ModalView {
  return modal(title, [section(text)]);
}
