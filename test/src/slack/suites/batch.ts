import { formatCsvLine } from '@sipops/shared/batch/csv-format';
import { showAccount } from '@sipops/shared/use-cases/show-account';
import { countRows, mobileNumber } from '@sipops/shared/use-cases/test-fixture';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FakeFile, PostedMessage } from '../../fake-slack.ts';
import { buttonPress, type SentView } from '../payloads.ts';
import { readable, type Sent, type SlackHarness, USERS } from '../slack-harness.ts';

const HEADER = ['way', 'group', 'number', 'type', 'username', 'password'];
const csv = (rows: string[][]) =>
  formatCsvLine(HEADER) + rows.map((row) => formatCsvLine(row)).join('');

type Button = { action_id: string; value: string; confirm?: unknown };

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

    async function submitFile(file: FakeFile): Promise<Sent> {
      const view = await openBatch();
      const sent = await h.submit(USERS.support, view, {
        file: [{ id: file.id, name: file.name }],
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
      const button = importButton(preview);
      expect(button?.confirm).toBeDefined();
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

      // A retry later: nothing more.
      await pressImport(button, preview);
      expect(await countRows(h.deps.db)).toEqual(after);
      expect(readable(lastStatus().blocks)).toContain('already imported (2 accounts');
      expect(h.fake.violations).toEqual([]);
    });

    it('shows the errors of a bad file with an error CSV, and writes nothing', async () => {
      const taken = mobileNumber();
      const file = h.fake.addFile(
        'bad.csv',
        csv([
          ['wizard', 'acme', taken, '', '', ''],
          ['wizard', 'nowhere', mobileNumber(), '', '', ''],
          ['wizard', 'acme', '+39 12', '', '', ''],
          ['wizard', 'acme', taken, '', '', ''],
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
      expect(errors.split('\n')[0]).toBe('line,column,value,message');
      expect(errors).toContain('3,group,nowhere,');
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
      const button = importButton(preview);
      if (!button) throw new Error('no Import button');
      await pressImport(button, preview);
      expect((await countRows(h.deps.db)).accounts).toBe(before.accounts + 1);
      expect((await showAccount(h.deps, 'batch.paste')).group).toBe('acme');
      expect(readable(lastStatus().blocks)).toContain('Imported 1 account from the pasted list');
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
  });
}
