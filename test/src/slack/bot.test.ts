import { testDatabaseKinds } from '@sipops/db/testing';
import { afterAll, beforeAll, describe } from 'vitest';
import { type SlackHarness, startSlackHarness } from './slack-harness.ts';
import { batchTests } from './suites/batch.ts';
import { cardButtonTests } from './suites/card-buttons.ts';
import { deliveryTests } from './suites/deliveries.ts';
import { modalTests } from './suites/modals.ts';
import { roleTests } from './suites/role-matrix.ts';
import { subcommandTests } from './suites/subcommands.ts';

/**
 * The bot end to end: signed requests to the real Bolt HTTP receiver, the real Web API client
 * against the fake Slack, the real database. One bot and database per kind serve every suite,
 * since an embedded database takes seconds to start; each suite makes accounts of its own.
 */
describe.each(testDatabaseKinds())('the Slack bot on %s', (kind) => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await startSlackHarness(kind);
  }, 60_000);
  afterAll(() => h?.close());

  subcommandTests(() => h);
  modalTests(() => h);
  cardButtonTests(() => h);
  roleTests(() => h);
  deliveryTests(() => h);
  batchTests(() => h);
});
