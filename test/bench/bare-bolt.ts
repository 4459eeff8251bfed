import { App } from '@slack/bolt';

/**
 * The baseline of the Slack bench: a Bolt app that does nothing but ack `/sip`, in a process of
 * its own like sipops' bot, on BARE_BOLT_PORT with the same signing secret.
 */
const app = new App({
  signingSecret: process.env.BARE_BOLT_SECRET ?? '',
  token: 'xoxb-bench',
  tokenVerificationEnabled: false,
  clientOptions: { slackApiUrl: process.env.BARE_BOLT_SLACK_API_URL },
});
app.command('/sip', async ({ ack }) => {
  await ack();
});
await app.start(Number(process.env.BARE_BOLT_PORT));
console.log('bare bolt ready');
