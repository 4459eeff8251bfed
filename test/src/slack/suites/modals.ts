import type { AccountView } from '@sipops/shared/account-view';
import { mobileNumber } from '@sipops/shared/testing/test-fixture';
import { deleteAccount } from '@sipops/shared/use-cases/delete-account';
import { listGroups } from '@sipops/shared/use-cases/list-groups';
import { listProfiles } from '@sipops/shared/use-cases/list-profiles';
import { showAccount } from '@sipops/shared/use-cases/show-account';
import { beforeAll, describe, expect, it } from 'vitest';
import { plainPgsm, plainSnom, snapshot, wizard } from '../accounts.ts';
import type { SentView } from '../payloads.ts';
import { readable, type Sent, type SlackHarness, USERS } from '../slack-harness.ts';

const GOOD_PASSWORD = 'long-pass-1';

export function modalTests(harness: () => SlackHarness): void {
  describe('modals', () => {
    let h: SlackHarness;

    beforeAll(async () => {
      h = harness();
    });

    async function openForm(text: string, user: string = USERS.support): Promise<SentView> {
      const sent = await h.command(user, text);
      expect(sent.calls.map((c) => c.method)).toEqual(['views.open', 'views.update']);
      if (!sent.view) throw new Error('no modal');
      return sent.view;
    }

    /** A refused submission: errors on these blocks, and nothing written or posted. */
    async function expectRefused(
      view: SentView,
      values: Record<string, unknown>,
      errors: Record<string, string | RegExp>,
      user: string = USERS.support,
    ): Promise<Sent> {
      const before = await snapshot(h.deps);
      const sent = await h.submit(user, view, values);
      expect(sent.status).toBe(200);
      expect(sent.ms).toBeLessThan(3000);
      expect(sent.json?.response_action).toBe('errors');
      const got = sent.json?.errors as Record<string, string>;
      expect(Object.keys(got).sort()).toEqual(Object.keys(errors).sort());
      for (const [block, message] of Object.entries(errors)) expect(got[block]).toMatch(message);
      expect(sent.replies).toEqual([]);
      expect(await snapshot(h.deps)).toEqual(before);
      return sent;
    }

    /** An accepted submission: the modal closes and the result is posted where it was opened. */
    function expectDone(sent: Sent): Record<string, unknown> & { read: string } {
      expect(sent.status).toBe(200);
      expect(sent.json).toBeUndefined();
      expect(sent.replies).toHaveLength(1);
      return { ...sent.replies[0], read: readable(sent.replies[0]) };
    }

    it('creates a PGSM account with the SPEC defaults, posting its card', async () => {
      const view = await openForm('create');
      const number = mobileNumber();
      const done = expectDone(
        await h.submit(USERS.support, view, {
          group: 'acme',
          number,
          username: 'carla',
          password: GOOD_PASSWORD,
          passwordConfirm: GOOD_PASSWORD,
        }),
      );
      expect(done.read).toContain(`Created by <@${USERS.support}>, enabled`);
      expect(done.read).toContain('Account carla');
      const account = await showAccount(h.deps, 'carla');
      expect(account).toMatchObject({
        type: 'pgsm',
        group: 'acme',
        number: number.replace(/\s/g, ''),
        enabled: true,
        securityModel: 'end-to-site',
        obfuscation: true,
        obfuscationKey: 9,
        keepAlive: false,
        createdVia: 'plain',
      });
      expect(JSON.stringify(done)).not.toContain(GOOD_PASSWORD);
      expect(h.fake.violations).toEqual([]);
    });

    it('refuses bad PGSM fields on their inputs, with the terminal’s messages, writing nothing', async () => {
      const view = await openForm('create');
      await expectRefused(
        view,
        {
          group: 'acme',
          number: '+39 12',
          secondaryNumber: 'abc',
          username: '-x',
          password: 'short',
          passwordConfirm: 'short',
          obfuscationKey: '300',
        },
        {
          number: 'is not a valid international number (too short)',
          secondaryNumber: 'must contain only digits, optionally starting with +',
          username: /must be 3 to 64 letters/,
          password: 'must be at least 8 characters',
          obfuscationKey: 'must be a whole number from 0 to 255',
        },
      );
      await expectRefused(
        view,
        {
          group: 'acme',
          number: mobileNumber(),
          password: GOOD_PASSWORD,
          passwordConfirm: 'other-pass',
        },
        { passwordConfirm: 'does not match the password' },
      );
    });

    it('refuses a number or username in use, on its input', async () => {
      const taken = await plainPgsm(h.deps, { username: 'taken-name' });
      const view = await openForm('create');
      await expectRefused(
        view,
        {
          group: 'acme',
          number: taken.number,
          password: GOOD_PASSWORD,
          passwordConfirm: GOOD_PASSWORD,
        },
        { number: `${taken.number} is already used by account taken-name` },
      );
      await expectRefused(
        view,
        {
          group: 'acme',
          number: mobileNumber(),
          username: 'taken-name',
          password: GOOD_PASSWORD,
          passwordConfirm: GOOD_PASSWORD,
        },
        { username: 'taken-name is already taken' },
      );
    });

    it('swaps the fields in place when SNOM is chosen, and creates a SNOM account with rules', async () => {
      const view = await openForm('create');
      const switched = await h.switchType(USERS.support, view, 'snom');
      expect(switched.calls.map((c) => c.method)).toEqual(['views.update']);
      expect(switched.calls[0]?.body.view_id).toBe(view.id);
      const snom = switched.view as SentView;
      const ids = snom.blocks.map((b) => b.block_id);
      expect(ids).toContain('deny');
      expect(ids).not.toContain('securityModel');
      expect(snom.private_metadata).toBe(view.private_metadata);
      const back = (await h.switchType(USERS.support, snom, 'pgsm')).view;
      expect(back?.blocks.map((b) => b.block_id)).toContain('obfuscationKey');

      await expectRefused(
        snom,
        {
          group: 'beta',
          number: '2',
          password: GOOD_PASSWORD,
          passwordConfirm: GOOD_PASSWORD,
          deny: '10.0.0.0/255.0.255.0',
        },
        {
          number: 'is too short: an extension has at least 2 digits',
          deny: 'rule 1 "10.0.0.0/255.0.255.0": netmask 255.0.255.0 is not contiguous',
        },
      );
      const done = expectDone(
        await h.submit(USERS.support, snom, {
          group: 'beta',
          number: '3101',
          username: 'desk-3101',
          password: GOOD_PASSWORD,
          passwordConfirm: GOOD_PASSWORD,
          deny: '0.0.0.0/0.0.0.0',
          permit: '192.168.0.38/255.255.255.0\n216.27.242.66/255.255.255.255',
        }),
      );
      expect(done.read).toContain('Account desk-3101');
      const account = await showAccount(h.deps, 'desk-3101');
      expect(account).toMatchObject({ type: 'snom', number: '3101', securityModel: null });
      expect(account.deny).toEqual(['0.0.0.0/0.0.0.0']);
      expect(account.permit).toHaveLength(2);
      expect(account.permit?.[0]).toMatch(/^192\.168\.0\.0\//);
    });

    it('creates with the wizard: disabled, generated credentials; refuses a landline or a missing profile', async () => {
      const view = await openForm('wizard');
      await expectRefused(
        view,
        { group: 'acme', number: '2001' },
        {
          number: /must be an international mobile number/,
        },
      );
      await expectRefused(
        view,
        { group: 'beta', number: mobileNumber() },
        {
          profile: 'is required: group "beta" has no profile of its own',
        },
      );
      const number = mobileNumber();
      const done = expectDone(await h.submit(USERS.support, view, { group: 'acme', number }));
      expect(done.read).toContain('disabled until the user activates it');
      expect(done.read).toContain('Send activation SMS');
      const account = await showAccount(h.deps, number);
      expect(account).toMatchObject({ enabled: false, createdVia: 'wizard', profile: 'standard' });
    });

    it('edits an account from its card, replacing the card; numbers and type stay', async () => {
      const account = await plainPgsm(h.deps, { username: 'edit-me' });
      const card = await h.command(USERS.support, 'show edit-me');
      const edit = card.replies[0]?.blocks as {
        elements?: { action_id: string; value: string }[];
      }[];
      const value = edit
        .flatMap((b) => b.elements ?? [])
        .find((e) => e.action_id === 'account_edit')?.value;
      const opened = await h.press(USERS.support, 'account_edit', value);
      expect(opened.calls.map((c) => c.method)).toEqual(['views.open', 'views.update']);
      const view = opened.view as SentView;
      await expectRefused(
        view,
        { password: 'new-password-1', passwordConfirm: 'new-password-2', obfuscationKey: 'x' },
        {
          passwordConfirm: 'does not match the password',
          obfuscationKey: 'must be a whole number from 0 to 255',
        },
      );
      const done = expectDone(
        await h.submit(USERS.support, view, {
          group: 'beta',
          profile: 'standard',
          password: 'new-password-1',
          passwordConfirm: 'new-password-1',
          obfuscationKey: '20',
          keepAlive: true,
          securityModel: 'end-to-end',
        }),
      );
      expect(done.replace_original).toBe(true);
      expect(done.read).toContain(`Saved by <@${USERS.support}>`);
      expect(await showAccount(h.deps, 'edit-me')).toMatchObject({
        number: account.number,
        type: 'pgsm',
        group: 'beta',
        profile: 'standard',
        isProfileInherited: false,
        obfuscationKey: 20,
        keepAlive: true,
        securityModel: 'end-to-end',
      });
      const again = expectDone(
        await h.submit(
          USERS.support,
          (await h.command(USERS.support, 'edit edit-me')).view as SentView,
          {},
        ),
      );
      expect(again.read).toContain('Nothing changed');
    });

    it('edits a SNOM account’s rules and a wizard account without a password field', async () => {
      const desk: AccountView = await plainSnom(h.deps, { username: 'desk-edit' });
      const view = (await h.command(USERS.support, 'edit desk-edit')).view as SentView;
      const denyBlock = view.blocks.find((b) => b.block_id === 'deny');
      expect((denyBlock?.element as { initial_value?: string } | undefined)?.initial_value).toBe(
        '0.0.0.0/0.0.0.0',
      );
      await expectRefused(view, { permit: 'nonsense' }, { permit: /rule 1 "nonsense"/ });
      expectDone(await h.submit(USERS.support, view, { deny: '', permit: '' }));
      expect(await showAccount(h.deps, desk.username)).toMatchObject({ deny: [], permit: [] });

      const wiz = await wizard(h.deps);
      const wizardView = (await h.command(USERS.support, `edit ${wiz.username}`)).view as SentView;
      const inputs = wizardView.blocks.filter((b) => b.type === 'input').map((b) => b.block_id);
      expect(inputs).not.toContain('password');
      expect(readable(wizardView)).toContain('generated and cannot be edited');
      await expectRefused(
        wizardView,
        { group: 'beta', profile: '__group__' },
        {
          profile: "a wizard account needs a profile, of its own or its group's",
        },
      );
    });

    it('says so in the modal when the account was deleted while being edited', async () => {
      const gone = await plainPgsm(h.deps, { username: 'gone-soon' });
      const view = (await h.command(USERS.support, 'edit gone-soon')).view as SentView;
      await deleteAccount(h.deps, 'test:setup', gone.username);
      const sent = await h.submit(USERS.support, view, { obfuscationKey: '10' });
      expect(sent.json?.response_action).toBe('update');
      expect(readable(sent.json?.view)).toContain('No account with username or number "gone-soon"');
    });

    it('creates a group, refusing a duplicate name on its field', async () => {
      const view = await openForm('groups new', USERS.admin);
      const before = await snapshot(h.deps);
      const sent = await h.submit(USERS.admin, view, { name: 'acme' });
      expect(sent.json).toEqual({
        response_action: 'errors',
        errors: { name: 'a group named "acme" exists already' },
      });
      expect(await snapshot(h.deps)).toEqual(before);
      expect(sent.replies).toEqual([]);
      const done = expectDone(
        await h.submit(USERS.admin, view, {
          name: 'gamma',
          profile: 'standard',
          channel: 'C0GAMMA01',
        }),
      );
      expect(done.read).toContain('Group *gamma* · profile standard · channel <#C0GAMMA01>');
      expect((await listGroups(h.deps)).find((g) => g.name === 'gamma')).toMatchObject({
        profile: 'standard',
        channel: 'C0GAMMA01',
      });
    });

    it('creates and edits a profile, refusing bad fields on them', async () => {
      const view = await openForm('profiles new', USERS.admin);
      const before = await snapshot(h.deps);
      const refused = await h.submit(USERS.admin, view, {
        name: 'mobile',
        sipHost: 'not a host!',
        sipPort: '70000',
        iosUrl: 'http://apps.apple.com/x',
        realm: 'a "quoted" realm',
      });
      expect(refused.json).toEqual({
        response_action: 'errors',
        errors: {
          sipHost: 'must be a host name, an IPv4 address or an IPv6 address (no brackets)',
          sipPort: 'must be a port number from 1 to 65535',
          iosUrl: 'must start with https://',
          realm: 'must be 1 to 64 letters, digits or . _ : @ -',
        },
      });
      expect(await snapshot(h.deps)).toEqual(before);
      expect(refused.replies).toEqual([]);
      expectDone(
        await h.submit(USERS.admin, view, {
          name: 'mobile',
          sipHost: 'sip.mobile.example.com',
          transport: 'tcp',
          iosUrl: 'https://apps.apple.com/app/id1',
          realm: 'voice.example.com',
        }),
      );
      expect((await listProfiles(h.deps)).find((p) => p.name === 'mobile')).toMatchObject({
        realm: 'voice.example.com',
        sipPort: 5060,
        transport: 'tcp',
        iosUrl: 'https://apps.apple.com/app/id1',
        brand: 'sipops',
      });
      const edit = await openForm('profiles edit mobile', USERS.admin);
      const saved = expectDone(
        await h.submit(USERS.admin, edit, { brand: 'Acme Voice', iosUrl: '', realm: '' }),
      );
      expect(saved.read).toContain('Provisioning profile *mobile*');
      expect((await listProfiles(h.deps)).find((p) => p.name === 'mobile')).toMatchObject({
        brand: 'Acme Voice',
        iosUrl: null,
        // Emptied: the realm follows the SIP host again.
        realm: 'sip.mobile.example.com',
        sipHost: 'sip.mobile.example.com',
      });
      expect(h.fake.violations).toEqual([]);
    });

    it('saves the branding of a profile from its form, shows what each SMS costs, and refuses a light accent or a long SMS on their inputs', async () => {
      const view = await openForm('profiles new', USERS.admin);
      // The logo cannot come through a Slack form: the form says how to set it.
      expect(readable(view)).toContain('--logo logo.png');
      await expectRefused(
        view,
        { name: 'branded', sipHost: 'sip.example.com', accentColor: '#ffcc00' },
        { accentColor: /^#ffcc00 has a contrast of 1\.51:1 with white/ },
        USERS.admin,
      );
      // Measured once the rest is valid: with the brand and a real link, it takes three SMS.
      await expectRefused(
        view,
        {
          name: 'branded',
          sipHost: 'sip.example.com',
          'smsTemplates.installation.it': `{brand}: l’app ${'x'.repeat(150)} {link}`,
        },
        {
          'smsTemplates.installation.it':
            /^is \d+ SMS \(UCS-2, \d+ UCS-2 units\) with the brand and a \d+-character link; at most 2 SMS are allowed$/,
        },
        USERS.admin,
      );
      const done = expectDone(
        await h.submit(USERS.admin, view, {
          name: 'branded',
          sipHost: 'sip.example.com',
          brand: 'Acme',
          accentColor: '#0b5d3b',
          supportContact: 'help@acme.example',
          timeZone: 'Europe/London',
          'smsTemplates.installation.en': '{brand}: set up your phone: {link}',
        }),
      );
      expect(done.read).toMatch(/SMS: en 1 SMS \(GSM-7, \d+ characters\) · it 1 SMS/);
      expect((await listProfiles(h.deps)).find((p) => p.name === 'branded')).toMatchObject({
        accentColor: '#0b5d3b',
        supportContact: 'help@acme.example',
        timeZone: 'Europe/London',
        smsTemplates: { installation: { en: '{brand}: set up your phone: {link}' } },
      });
      // Emptied on the edit form, the SMS goes back to the built-in text.
      const edit = await openForm('profiles edit branded', USERS.admin);
      expectDone(
        await h.submit(USERS.admin, edit, { 'smsTemplates.installation.en': '', accentColor: '' }),
      );
      expect((await listProfiles(h.deps)).find((p) => p.name === 'branded')).toMatchObject({
        accentColor: null,
        smsTemplates: { installation: {} },
      });
      expect(h.fake.violations).toEqual([]);
    });
  });
}
