import type { InputBlock, InputBlockElement, PlainTextInput, PlainTextOption } from '@slack/types';
import { LIMITS, option, plain } from './blocks.ts';

/**
 * Builders of modal inputs. Every input's block id and action id are the name of the schema field
 * it fills, so a refused field comes back on its block (`response_action: errors`).
 */
export function input(
  field: string,
  label: string,
  element: InputBlockElement,
  options: { hint?: string; optional?: boolean; dispatch?: boolean } = {},
): InputBlock {
  return {
    type: 'input',
    block_id: field,
    label: plain(label, LIMITS.fieldText),
    element,
    ...(options.hint ? { hint: plain(options.hint, LIMITS.fieldText) } : {}),
    ...(options.optional ? { optional: true } : {}),
    ...(options.dispatch ? { dispatch_action: true } : {}),
  };
}

export function textInput(
  field: string,
  options: {
    initial?: string | null;
    placeholder?: string;
    multiline?: boolean;
    maxLength?: number;
    minLength?: number;
  } = {},
): PlainTextInput {
  return {
    type: 'plain_text_input',
    action_id: field,
    ...(options.initial ? { initial_value: options.initial } : {}),
    ...(options.placeholder ? { placeholder: plain(options.placeholder, 150) } : {}),
    ...(options.multiline ? { multiline: true } : {}),
    ...(options.maxLength ? { max_length: options.maxLength } : {}),
    ...(options.minLength ? { min_length: options.minLength } : {}),
  };
}

/** A pick from a list; past Slack's 100 options, a text box where the name is typed. */
export function choiceInput(
  field: string,
  choices: PlainTextOption[],
  options: { initial?: string | undefined; placeholder: string },
): InputBlockElement {
  if (choices.length > LIMITS.selectOptions || choices.length === 0)
    return textInput(field, { initial: options.initial ?? null, placeholder: options.placeholder });
  const initial = choices.find((choice) => choice.value === options.initial);
  return {
    type: 'static_select',
    action_id: field,
    placeholder: plain(options.placeholder, 150),
    options: choices,
    ...(initial ? { initial_option: initial } : {}),
  };
}

export function radioInput(
  field: string,
  choices: PlainTextOption[],
  initial: string | undefined,
): InputBlockElement {
  const selected = choices.find((choice) => choice.value === initial);
  return {
    type: 'radio_buttons',
    action_id: field,
    options: choices,
    ...(selected ? { initial_option: selected } : {}),
  };
}

/** A yes/no switch: one checkbox, ticked when on. */
export function switchInput(field: string, text: string, isOn: boolean): InputBlockElement {
  const on = option(text, 'on');
  return {
    type: 'checkboxes',
    action_id: field,
    options: [on],
    ...(isOn ? { initial_options: [on] } : {}),
  };
}
