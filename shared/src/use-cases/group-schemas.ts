import { z } from 'zod';

/** A Slack channel id (`C0123ABCD`); names change, ids do not. */
export const slackChannelSchema = z
  .string()
  .trim()
  .regex(/^[CG][A-Z0-9]{6,}$/, 'must be a Slack channel id such as C0123ABCD');
