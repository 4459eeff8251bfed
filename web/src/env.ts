import { type RuntimeConfig, readRuntimeConfig } from '@sipops/shared/runtime-config';

/** The only place in web/ that reads process.env; a wrong value throws a ConfigError naming it. */
export function readWebConfig(): RuntimeConfig {
  return readRuntimeConfig(process.env);
}

/** TWILIO_AUTH_TOKEN, which signs Twilio's delivery reports; undefined when SMS go to the local outbox. */
export function readTwilioAuthToken(): string | undefined {
  return process.env.TWILIO_AUTH_TOKEN?.trim() || undefined;
}
