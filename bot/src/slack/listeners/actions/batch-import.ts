import { z } from 'zod';
import { StatusMessage } from '../../batch-file.ts';
import { importBatch } from '../../batch-flow.ts';
import { authorizeUser, type BotContext } from '../../bot-context.ts';
import { replyFailure } from '../../slack-io.ts';
import { type ButtonArgs, interactionOfButton } from './interaction.ts';

const importButtonSchema = z.object({
  fileId: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  name: z.string(),
  // Absent on buttons posted before the SMS checkbox existed.
  isSmsRequested: z.boolean().default(false),
});

/** The Import button of a batch preview: the role checked again, then the file imported. */
export async function batchImportButton(args: ButtonArgs, context: BotContext): Promise<void> {
  await args.ack();
  const interaction = interactionOfButton(args, context);
  try {
    const access = await authorizeUser(context, interaction.who, 'account.batch');
    const button = importButtonSchema.parse(JSON.parse(args.action.value ?? ''));
    const channel = args.body.container?.channel_id ?? args.body.channel?.id;
    const ts = args.body.container?.message_ts ?? args.body.message?.ts;
    if (!channel || !ts) throw new Error('the Import button came without its message');
    const status = new StatusMessage(args.client, context, channel, ts);
    await importBatch(
      { client: args.client, context, who: interaction.who },
      status,
      button,
      access.groupIds,
    );
  } catch (error) {
    // Refused before anything started: the preview stays, the user alone reads why.
    await replyFailure(interaction, error);
  }
}
