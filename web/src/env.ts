import { readWebConfig as readWebSettings } from '@sipops/shared/config/processes';
import { readPart } from '@sipops/shared/config/read';
import type { RuntimeConfig } from '@sipops/shared/config/runtime';
import { twilioAuthTokenPart } from '@sipops/shared/config/sms';

/**
 * The only place in web/ that reads process.env, through the same reader and schemas as the
 * server; a wrong value throws a ConfigError naming it (every wrong one at once).
 */
export function readWebConfig(): RuntimeConfig {
  return readWebSettings(process.env).runtime;
}

/**
 * TWILIO_AUTH_TOKEN, which signs Twilio's delivery reports, checked as the server checks it;
 * undefined when SMS go to the local outbox.
 */
export function readTwilioAuthToken(): string | undefined {
  return readPart(process.env, twilioAuthTokenPart);
}
