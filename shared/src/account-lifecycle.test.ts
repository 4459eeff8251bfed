import { describe, expect, it } from 'vitest';
import {
  ACCOUNT_STATUSES,
  type AccountStatus,
  canTransition,
  isAccountStatus,
  type LifecycleEvent,
  nextStatus,
} from './account-lifecycle.ts';
import { AppError } from './errors.ts';

const INVALID = 'INVALID_TRANSITION';
type Expected = AccountStatus | typeof INVALID;

const EVENTS: LifecycleEvent[] = [
  'installation_sms_sent',
  'provisioning_fetched',
  'activation_sms_sent',
  'activated',
];

/** Every (status, event) pair, written out from the SPEC rather than read back from the code. */
const TABLE: [AccountStatus, LifecycleEvent, Expected][] = [
  // A new installation link may always be sent: it replaces the previous one and restarts the flow.
  ['created', 'installation_sms_sent', 'installation_sms_sent'],
  ['installation_sms_sent', 'installation_sms_sent', 'installation_sms_sent'],
  ['installed', 'installation_sms_sent', 'installation_sms_sent'],
  ['activation_sms_sent', 'installation_sms_sent', 'installation_sms_sent'],
  ['activated', 'installation_sms_sent', 'installation_sms_sent'],
  // The app's fetch installs; a later fetch (re-install) does not move the status back.
  ['created', 'provisioning_fetched', INVALID],
  ['installation_sms_sent', 'provisioning_fetched', 'installed'],
  ['installed', 'provisioning_fetched', 'installed'],
  ['activation_sms_sent', 'provisioning_fetched', 'activation_sms_sent'],
  ['activated', 'provisioning_fetched', 'activated'],
  // The reminder goes only to an installed app that has not activated yet.
  ['created', 'activation_sms_sent', INVALID],
  ['installation_sms_sent', 'activation_sms_sent', INVALID],
  ['installed', 'activation_sms_sent', 'activation_sms_sent'],
  ['activation_sms_sent', 'activation_sms_sent', 'activation_sms_sent'],
  ['activated', 'activation_sms_sent', INVALID],
  // Activate needs the app to have fetched its document, and happens once.
  ['created', 'activated', INVALID],
  ['installation_sms_sent', 'activated', INVALID],
  ['installed', 'activated', 'activated'],
  ['activation_sms_sent', 'activated', 'activated'],
  ['activated', 'activated', INVALID],
];

describe('account life cycle', () => {
  it('the table covers every status and event pair exactly once', () => {
    const pairs = new Set(TABLE.map(([status, event]) => `${status}/${event}`));
    expect(pairs.size).toBe(ACCOUNT_STATUSES.length * EVENTS.length);
    expect(ACCOUNT_STATUSES).toEqual([
      'created',
      'installation_sms_sent',
      'installed',
      'activation_sms_sent',
      'activated',
    ]);
  });

  it.each(TABLE)('%s + %s → %s', (status, event, expected) => {
    if (expected === INVALID) {
      expect(canTransition(status, event)).toBe(false);
      let caught: unknown;
      try {
        nextStatus(status, event);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(AppError);
      const error = caught as AppError;
      expect(error.code).toBe('INVALID_TRANSITION');
      expect(error.field).toBe('status');
      expect(error.message).toContain(`(status is ${status})`);
    } else {
      expect(canTransition(status, event)).toBe(true);
      expect(nextStatus(status, event)).toBe(expected);
    }
  });

  it.each([
    ['created', true],
    ['activated', true],
    ['installation_sms_sent', true],
    ['enabled', false],
    ['Created', false],
    ['', false],
  ] as const)('isAccountStatus(%j) is %s', (value, expected) => {
    expect(isAccountStatus(value)).toBe(expected);
  });
});
