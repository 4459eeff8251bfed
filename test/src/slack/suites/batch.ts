import { createNotifyClient } from '@sipops/bot/process/notifications/start-notification-worker';
import { startImportSmsProgress } from '@sipops/bot/process/sms/start-import-sms-progress';
import { startSmsWorker } from '@sipops/bot/process/sms/start-sms-worker';
import type { Database } from '@sipops/db/client';
import { activationLinks, batchImports, outbox } from '@sipops/db/schema';
import { formatCsvLine } from '@sipops/shared/batch/csv-format';
import { countRows, e164, mobileNumber } from '@sipops/shared/testing/test-fixture';
import { importAccounts } from '@sipops/shared/use-cases/import-accounts';
import { createActivationSmsQueue } from '@sipops/shared/use-cases/send-activation-sms';
import { showAccount } from '@sipops/shared/use-cases/show-account';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { FakeFile, PostedMessage } from '../../fake-slack.ts';
import { buttonPress, type SentView } from '../payloads.ts';
import { readable, type Sent, type SlackHarness, USERS } from '../slack-harness.ts';

const HEADER = ['way', 'group', 'number', 'type', 'username', 'password'];
const csv = (rows: string[][]) =>
  formatCsvLine(HEADER) + rows.map((row) => formatCsvLine(row)).join('');

type Button = { action_id: string; value: string; confirm?: unknown };

/** The outbox SMS a batch import queued, found by the import id they carry. */
const smsOfImport = (db: Database, importId: string) =>
  db
    .select()
    .from(outbox)
    .where(and(eq(outbox.kind, 'sms'), sql`${outbox.payload}->>'importId' = ${importId}`));

const importRow = async (db: Database, importId: string) =>
  (await db.select().from(batchImports).where(eq(batchImports.id, importId)))[0];

const NOTIFY_CHANNEL = 'CNOTIFY01';

export function batchTests(harness: () => SlackHarness): void {
  describe('batch', () => {
    let h: SlackHarness;

    beforeAll(() => {
      h = harness();
    });

    /** `/sip batch`: the modal opens with the trigger id straight away, nothing else called. */
    async function openBatch(): Promise<SentView> {
      const sent = await h.command(USERS.support, 'batch');
      expect(sent.ms).toBeLessThan(3000);
      expect(sent.calls.map((c) => c.method)).toEqual(['views.open']);
      const view = sent.calls[0]?.body.view as Omit<SentView, 'id'>;
      return { ...view, id: 'VBATCH' };
    }

    /** The message the batch left in the user's direct messages with the app. */
    function lastStatus(): PostedMessage {
      const message = h.fake.history(USERS.support).at(-1);
      if (!message) throw new Error('no batch message');
      return message;
    }

    function importButton(message: PostedMessage): Button | undefined {
      for (const block of (message.blocks ?? []) as { elements?: Button[] }[])
        for (const element of block.elements ?? [])
          if (element.action_id === 'batch_import') return element;
      return undefined;
    }

    async function submitFile(file: FakeFile, isSmsRequested = false): Promise<Sent> {
      const view = await openBatch();
      const sent = await h.submit(USERS.support, view, {
        file: [{ id: file.id, name: file.name }],
        ...(isSmsRequested ? { sendSms: true } : {}),
      });
      expect(sent.json).toBeUndefined();
      return sent;
    }

    const pressImport = (button: Button, message: PostedMessage, userId: string = USERS.support) =>
      h.send(
        buttonPress({
          userId,
          actionId: button.action_id,
          value: button.value,
          responseUrl: h.fake.responseUrl(),
          message: { channel: message.channel, ts: message.ts },
        }),
      );

    it('opens a modal with a CSV file input and a paste area', async () => {
      const view = await openBatch();
      const file = view.blocks.find((b) => b.block_id === 'file')?.element as Record<
        string,
        unknown
      >;
      expect(file).toMatchObject({ type: 'file_input', filetypes: ['csv'], max_files: 1 });
      const paste = view.blocks.find((b) => b.block_id === 'paste')?.element;
      expect(paste).toMatchObject({ type: 'plain_text_input', multiline: true });
      const sms = view.blocks.find((b) => b.block_id === 'sendSms');
      expect(sms).toMatchObject({ type: 'input', optional: true });
      expect(sms?.element).toMatchObject({ type: 'checkboxes', action_id: 'sendSms' });
      expect(sms?.element).not.toHaveProperty('initial_options');
      expect(readable(sms)).toContain('Send the activation SMS to the wizard rows');
      expect(h.fake.violations).toEqual([]);
    });

    it('wants exactly one of a file and a pasted list, on the fields', async () => {
      const view = await openBatch();
      const none = await h.submit(USERS.support, view, {});
      expect(none.json).toMatchObject({ response_action: 'errors', errors: { file: /choose/ } });
      const both = await h.submit(USERS.support, view, {
        file: [{ id: 'F1', name: 'a.csv' }],
        paste: 'way,group,number',
      });
      expect(both.json).toMatchObject({
        response_action: 'errors',
        errors: { file: /not both/, paste: /not both/ },
      });
      expect(none.calls.length + both.calls.length).toBe(0);
    });

    it('previews a good file, imports it on Import, and once only on a double click', async () => {
      const numbers = [mobileNumber(), mobileNumber()];
      const file = h.fake.addFile(
        'accounts.csv',
        csv([
          ['wizard', 'acme', numbers[0] ?? '', '', '', ''],
          ['plain', 'beta', numbers[1] ?? '', 'pgsm', 'batch.anna', 'Long-pass-123'],
        ]),
      );
      const before = await countRows(h.deps.db);
      const sent = await submitFile(file);
      expect(sent.ms).toBeLessThan(3000);
      const methods = sent.calls.map((c) => c.method);
      expect(methods).toEqual(expect.arrayContaining(['chat.postMessage', 'files.info']));
      const download = sent.calls.find((c) => c.method === 'file_download');
      expect(download?.headers.authorization).toBe('Bearer xoxb-test');
      const preview = lastStatus();
      const read = readable(preview.blocks);
      expect(read).toContain('accounts.csv: 2 accounts ready to import');
      expect(read).toContain('*PGSM* 2 · *SNOM* 0 · *wizard* 1 · *plain* 1');
      expect(read).toContain('acme 1, beta 1');
      expect(read).toContain('batch.anna');
      expect(read).toContain(
        '*Activation SMS:* none queued by this import; 1 wizard row can get one',
      );
      const button = importButton(preview);
      expect(button?.confirm).toBeDefined();
      expect(JSON.parse(button?.value ?? '')).toMatchObject({ isSmsRequested: false });
      expect(await countRows(h.deps.db)).toEqual(before);

      if (!button) throw new Error('no Import button');
      const [first, second] = await Promise.all([
        pressImport(button, preview),
        pressImport(button, preview),
      ]);
      expect(first.ms).toBeLessThan(3000);
      expect(second.ms).toBeLessThan(3000);
      const after = await countRows(h.deps.db);
      expect(after.accounts).toBe(before.accounts + 2);
      expect((await showAccount(h.deps, 'batch.anna')).group).toBe('beta');
      const result = readable(lastStatus().blocks);
      expect(result).toMatch(/Imported 2 accounts|already imported \(2 accounts/);
      expect(importButton(lastStatus())).toBeUndefined();
      // Without the box ticked nothing is queued: the wizard account waits, with no link.
      const wizard = await showAccount(h.deps, numbers[0] ?? '');
      expect(wizard.status).toBe('created');
      expect(
        await h.deps.db.$count(activationLinks, eq(activationLinks.accountId, wizard.id)),
      ).toBe(0);
      const { sha256 } = JSON.parse(button.value) as { sha256: string };
      const importId = `slack:${file.id}:${sha256}`;
      expect(await importRow(h.deps.db, importId)).toMatchObject({
        accountCount: 2,
        smsQueued: 0,
      });
      expect(await smsOfImport(h.deps.db, importId)).toEqual([]);

      // A retry later: nothing more.
      await pressImport(button, preview);
      expect(await countRows(h.deps.db)).toEqual(after);
      expect(readable(lastStatus().blocks)).toContain('already imported (2 accounts');
      expect(h.fake.violations).toEqual([]);
    });

    it('shows the errors of a bad file with its rows and an error column to download, and writes nothing', async () => {
      const taken = mobileNumber();
      const nowhere = mobileNumber();
      const file = h.fake.addFile(
        'bad.csv',
        csv([
          ['wizard', 'acme', taken, '', '', ''],
          ['wizard', 'nowhere', nowhere, '', '', ''],
          ['wizard', 'acme', '+39 12', '', '', ''],
          ['plain', 'acme', taken, 'pgsm', 'bad.anna', 'Long-pass-123'],
        ]),
      );
      const before = await countRows(h.deps.db);
      const sent = await submitFile(file);
      const read = readable(lastStatus().blocks);
      expect(read).toContain('bad.csv: 3 errors in 4 rows; nothing imported');
      expect(read).toContain('line 3, group "nowhere"');
      expect(read).toContain('line 4, number "+39 12"');
      expect(importButton(lastStatus())).toBeUndefined();
      const completed = sent.calls.find((c) => c.method === 'files.completeUploadExternal');
      expect(completed?.body.channel_id).toBe(USERS.support);
      const id = ((completed?.body.files ?? []) as { id: string }[])[0]?.id ?? '';
      const errors = String(h.fake.file(id)?.content);
      // The rows as they are in the file, an error column added, the clear password left out.
      expect(errors.split('\n')).toEqual([
        'way,group,number,type,username,password,error',
        `wizard,nowhere,${nowhere},,,,"group: no group named ""nowhere"""`,
        expect.stringMatching(/^wizard,acme,\+39 12,,,,number: is not a valid international/),
        expect.stringMatching(/^plain,acme,[^,]+,pgsm,bad\.anna,,number: .* is also on line 2$/),
        '',
      ]);
      expect(read).toContain('each with an `error` column');
      expect(await countRows(h.deps.db)).toEqual(before);
      expect(h.fake.violations).toEqual([]);
    });

    it('points a file over 10 MB to the terminal without downloading it', async () => {
      const file = h.fake.addFile('huge.csv', Buffer.alloc(11 * 1024 * 1024, 'a'));
      const sent = await submitFile(file);
      expect(sent.calls.map((c) => c.method)).not.toContain('file_download');
      const read = readable(lastStatus().blocks);
      expect(read).toContain('huge.csv is 11.0 MB');
      expect(read).toContain('npm run sip -- import <file.csv> --progress');
    });

    it('checks a pasted list as an uploaded file, then imports it', async () => {
      const number = mobileNumber();
      const view = await openBatch();
      const before = await countRows(h.deps.db);
      const sent = await h.submit(USERS.support, view, {
        paste: `way,group,number,type,username,password\nplain,acme,${number},snom,batch.paste,Long-pass-123`,
      });
      expect(sent.json).toBeUndefined();
      expect(sent.calls.map((c) => c.method)).toEqual(
        expect.arrayContaining(['files.getUploadURLExternal', 'files.completeUploadExternal']),
      );
      const preview = lastStatus();
      expect(readable(preview.blocks)).toContain('the pasted list: 1 account ready to import');
      expect(readable(preview.blocks)).toContain(
        '*Rows checked:* 1 · *to import:* 1 · *errors:* 0 · *SMS to queue:* 0',
      );
      const button = importButton(preview);
      if (!button) throw new Error('no Import button');
      await pressImport(button, preview);
      expect((await countRows(h.deps.db)).accounts).toBe(before.accounts + 1);
      expect((await showAccount(h.deps, 'batch.paste')).group).toBe('acme');
      const result = readable(lastStatus().blocks);
      expect(result).toContain('Imported 1 account from the pasted list');
      // The result gives the preview's figures, in the same words.
      expect(result).toContain('*Rows checked:* 1 · *imported:* 1 · *errors:* 0 · *SMS queued:* 0');
    });

    it('refuses a file that is not UTF-8 as such, naming its first bad line', async () => {
      // Excel's "CSV" on Windows: Windows-1252, é as the one byte 0xE9.
      const file = h.fake.addFile(
        'excel.csv',
        Buffer.concat([
          Buffer.from(`way,group,number\r\nwizard,acme,${mobileNumber()}\r\nwizard,caf`),
          Buffer.from([0xe9]),
          Buffer.from(`,${mobileNumber()}\r\n`),
        ]),
      );
      const before = await countRows(h.deps.db);
      await submitFile(file);
      const read = readable(lastStatus().blocks);
      expect(read).toContain('this file is not UTF-8 (line 3): save it as CSV UTF-8');
      expect(read).not.toContain('no group');
      expect(await countRows(h.deps.db)).toEqual(before);
      expect(h.fake.violations).toEqual([]);
    });

    it('refuses a manager, at the command and at the Import button', async () => {
      const command = await h.command(USERS.manager, 'batch');
      expect(command.calls.map((c) => c.method)).toEqual(['response_url']);
      expect(readable(command.replies)).toContain('needs the support role (you have manager)');

      const file = h.fake.addFile(
        'manager.csv',
        csv([['wizard', 'acme', mobileNumber(), '', '', '']]),
      );
      await submitFile(file);
      const preview = lastStatus();
      const button = importButton(preview);
      if (!button) throw new Error('no Import button');
      const before = await countRows(h.deps.db);
      const pressed = await pressImport(button, preview, USERS.manager);
      expect(readable(pressed.replies)).toContain('needs the support role (you have manager)');
      expect(await countRows(h.deps.db)).toEqual(before);
      // The preview stays for someone allowed.
      expect(importButton(lastStatus())).toBeDefined();
    });

    /** The SMS worker (local outbox) and the progress loop, as `npm start` runs them, until stopped. */
    function startSmsSending(options: { defaultChannel?: string; isSending: boolean }) {
      const client = createNotifyClient('xoxb-test', h.fake.url, { timeoutMs: 1500 });
      const progress = startImportSmsProgress({
        deps: h.deps,
        client,
        defaultChannel: options.defaultChannel,
        perSecond: 20,
        intervalMs: 100,
        log: () => {},
      });
      let worker: { stop(): Promise<void> } | undefined;
      const send = () => {
        worker ??= startSmsWorker({
          deps: h.deps,
          config: { mode: 'local', perSecond: 20 },
          publicBaseUrl: h.deps.publicBaseUrl,
          pollIntervalMs: 50,
          log: () => {},
        });
      };
      if (options.isSending) send();
      return {
        send,
        stop: () => Promise.all([progress.stop(), worker?.stop()]),
      };
    }

    /** The messages of a channel that report the SMS of an import of `count` accounts. */
    const progressMessages = (channel: string, count: number) =>
      h.fake
        .history(channel)
        .filter((m) => m.text?.startsWith(`Activation SMS of ${count} imported account`));

    it('queues the activation SMS of the wizard rows when the box is ticked, and follows them in the DM until all are sent', async () => {
      const wizards = [mobileNumber(), mobileNumber()];
      const file = h.fake.addFile(
        'with-sms.csv',
        csv([
          ['wizard', 'acme', wizards[0] ?? '', '', '', ''],
          ['plain', 'beta', mobileNumber(), 'pgsm', 'batch.sms', 'Long-pass-123'],
          ['wizard', 'acme', wizards[1] ?? '', '', '', ''],
        ]),
      );
      await submitFile(file, true);
      const preview = lastStatus();
      expect(readable(preview.blocks)).toContain(
        '*Activation SMS:* 2 activation SMS will be queued by the import',
      );
      const button = importButton(preview);
      if (!button) throw new Error('no Import button');
      const value = JSON.parse(button.value) as { sha256: string; isSmsRequested: boolean };
      expect(value.isSmsRequested).toBe(true);
      expect(readable(button.confirm)).toContain('and queue 2 activation SMS');

      await pressImport(button, preview);
      const result = readable(lastStatus().blocks);
      expect(result).toContain('Imported 3 accounts from with-sms.csv');
      expect(result).toContain('*Activation SMS queued:* 2');

      // Another import than the same file without SMS; the accounts, links and SMS in the database.
      const importId = `slack:${file.id}:${value.sha256}:sms`;
      expect(await importRow(h.deps.db, importId)).toMatchObject({
        accountCount: 3,
        smsQueued: 2,
        smsProgressChannel: preview.channel,
        smsProgressTs: null,
      });
      const ids: string[] = [];
      for (const number of wizards) {
        const account = await showAccount(h.deps, number);
        expect(account.status).toBe('installation_sms_sent');
        expect(account.enabled).toBe(false);
        ids.push(account.id);
      }
      expect((await showAccount(h.deps, 'batch.sms')).status).toBe('created');
      const links = await h.deps.db
        .select()
        .from(activationLinks)
        .where(inArray(activationLinks.accountId, ids));
      expect(links.map((l) => l.accountId).sort()).toEqual([...ids].sort());
      const queued = await smsOfImport(h.deps.db, importId);
      expect(queued.map((row) => row.state)).toEqual(['pending', 'pending']);
      expect(
        queued.map((row) => (row.payload as { to: string; linkId: string }).to).sort(),
      ).toEqual(wizards.map(e164).sort());
      expect(queued.map((row) => (row.payload as { linkId: string }).linkId).sort()).toEqual(
        links.map((l) => l.id).sort(),
      );

      // The progress is posted under the result, then updated once the worker has sent them.
      const sending = startSmsSending({ isSending: false });
      try {
        await vi.waitFor(() => expect(progressMessages(preview.channel, 2)).toHaveLength(1), {
          timeout: 10_000,
          interval: 50,
        });
        const [posted] = progressMessages(preview.channel, 2);
        expect(posted?.text).toBe(
          'Activation SMS of 2 imported accounts: 0 of 2 sent · 2 waiting (about 1 s at 20/s)',
        );
        expect(readable(posted?.blocks)).toContain(`by <@${USERS.support}>`);
        sending.send();
        await vi.waitFor(
          async () => {
            expect((await importRow(h.deps.db, importId))?.smsProgressDoneAt).not.toBeNull();
          },
          { timeout: 15_000, interval: 100 },
        );
        const messages = progressMessages(preview.channel, 2);
        expect(messages).toHaveLength(1);
        expect(messages[0]?.ts).toBe(posted?.ts);
        expect(messages[0]?.text).toBe('Activation SMS of 2 imported accounts: all 2 sent.');
        expect(readable(messages[0]?.blocks)).toContain(':white_check_mark:');
        expect(await importRow(h.deps.db, importId)).toMatchObject({
          smsProgressChannel: preview.channel,
          smsProgressTs: posted?.ts,
        });
        expect((await smsOfImport(h.deps.db, importId)).map((row) => row.state)).toEqual([
          'done',
          'done',
        ]);
        const updates = h.fake.callsTo('chat.update').filter((call) => call.body.ts === posted?.ts);
        expect(updates.length).toBeGreaterThan(0);
      } finally {
        await sending.stop();
      }
      expect(h.fake.violations).toEqual([]);
    });

    it('reports the SMS of a terminal import (no channel of its own) in SIPOPS_NOTIFY_CHANNEL', async () => {
      const number = mobileNumber();
      const actor = 'terminal:alice';
      // What `npm run sip -- import file.csv --send-sms` runs.
      const result = await importAccounts(
        h.deps,
        actor,
        {
          source: csv([['wizard', 'acme', number, '', '', '']]),
          importId: `terminal-sms-${number}`,
          isSmsRequested: true,
        },
        { queueActivationSms: createActivationSmsQueue(h.deps, actor) },
      );
      expect(result).toMatchObject({ outcome: 'imported', imported: 1, smsQueued: 1 });
      const sending = startSmsSending({ defaultChannel: NOTIFY_CHANNEL, isSending: true });
      try {
        await vi.waitFor(
          async () => {
            const row = await importRow(h.deps.db, `terminal-sms-${number}`);
            expect(row?.smsProgressDoneAt).not.toBeNull();
          },
          { timeout: 15_000, interval: 100 },
        );
      } finally {
        await sending.stop();
      }
      const [message, ...more] = progressMessages(NOTIFY_CHANNEL, 1);
      expect(more).toEqual([]);
      expect(message?.text).toBe('Activation SMS of 1 imported account: all 1 sent.');
      expect(readable(message?.blocks)).toContain('by alice (terminal)');
      expect(await importRow(h.deps.db, `terminal-sms-${number}`)).toMatchObject({
        smsProgressChannel: NOTIFY_CHANNEL,
        smsProgressTs: message?.ts,
      });
      expect(h.fake.violations).toEqual([]);
    });
  });
}
