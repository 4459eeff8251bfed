import { z } from 'zod';
import { blankAsUnset, httpUrlSchema } from './fields.ts';
import { ConfigError, definePart, type Env, readPart } from './read.ts';

const TWILIO_ACCOUNT_SID = /^AC[0-9a-fA-F]{32}$/;
const TWILIO_SERVICE_SID = /^MG[0-9a-fA-F]{32}$/;
/** An E.164 number, or an alphanumeric sender id (up to 11 characters, at least one letter). */
const TWILIO_SENDER = /^(\+[1-9]\d{6,14}|(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11})$/;

/** TWILIO_AUTH_TOKEN: signs what we send Twilio and what Twilio sends back (delivery reports). */
export const twilioAuthTokenSchema = blankAsUnset(
  z.string().regex(/^\S{16,}$/, "must be the account's auth token"),
);

export const smsSchema = z.object({
  TWILIO_ACCOUNT_SID: blankAsUnset(
    z.string().regex(TWILIO_ACCOUNT_SID, 'must be an account SID (AC followed by 32 hex digits)'),
  ),
  TWILIO_AUTH_TOKEN: twilioAuthTokenSchema,
  TWILIO_MESSAGING_SERVICE_SID: blankAsUnset(
    z
      .string()
      .regex(TWILIO_SERVICE_SID, 'must be a Messaging Service SID (MG followed by 32 hex digits)'),
  ),
  TWILIO_FROM: blankAsUnset(
    z
      .string()
      .regex(
        TWILIO_SENDER,
        'must be a sender number in E.164 (+15551234567) or an alphanumeric sender id',
      ),
  ),
  /** Another address for Twilio's API (a proxy, or the tests' fake), like SLACK_API_URL. */
  TWILIO_API_URL: httpUrlSchema('https://api.twilio.com'),
  SIPOPS_SMS_PER_SECOND: blankAsUnset(
    z
      .string()
      .regex(/^\d+(\.\d+)?$/, 'must be a number of SMS per second, such as 1 or 0.5')
      .transform(Number)
      .refine((value) => value > 0, 'must be more than 0'),
  ),
});

export const SMS_SETUP_HINT =
  'set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_MESSAGING_SERVICE_SID or TWILIO_FROM to send real SMS';

/** How activation SMS leave: through Twilio, or into the local outbox when it is not configured. */
export type SmsConfig = { perSecond: number } & (
  | {
      mode: 'twilio';
      accountSid: string;
      authToken: string;
      sender: { messagingServiceSid: string } | { from: string };
      apiUrl: string | undefined;
    }
  | { mode: 'local' }
);

/**
 * Twilio's settings: none set means the local outbox; some but not all is a mistake, naming what
 * is missing.
 */
export const smsPart = definePart(smsSchema, (values): SmsConfig => {
  const perSecond = values.SIPOPS_SMS_PER_SECOND ?? 1;
  const { TWILIO_ACCOUNT_SID: accountSid, TWILIO_AUTH_TOKEN: authToken } = values;
  const serviceSid = values.TWILIO_MESSAGING_SERVICE_SID;
  const from = values.TWILIO_FROM;
  if (!accountSid && !authToken && !serviceSid && !from) return { mode: 'local', perSecond };
  if (!accountSid || !authToken || !(serviceSid || from)) {
    const missing = [
      accountSid ? undefined : 'TWILIO_ACCOUNT_SID',
      authToken ? undefined : 'TWILIO_AUTH_TOKEN',
      serviceSid || from ? undefined : 'TWILIO_MESSAGING_SERVICE_SID or TWILIO_FROM',
    ].filter((name): name is string => name !== undefined);
    throw new ConfigError([
      `Twilio is half configured: set ${missing.join(', ')} (${SMS_SETUP_HINT})`,
    ]);
  }
  // A Messaging Service picks its own sender; TWILIO_FROM alone names one.
  const sender = serviceSid ? { messagingServiceSid: serviceSid } : { from: from ?? '' };
  return {
    mode: 'twilio',
    accountSid,
    authToken,
    sender,
    apiUrl: values.TWILIO_API_URL,
    perSecond,
  };
});

/** Twilio's token alone, with the same schema: what the web app checks delivery reports with. */
export const twilioAuthTokenPart = definePart(
  z.object({ TWILIO_AUTH_TOKEN: twilioAuthTokenSchema }),
  (values) => values.TWILIO_AUTH_TOKEN,
);

/** The SMS settings alone; a ConfigError names every wrong variable. */
export function readSmsConfig(env: Env): SmsConfig {
  return readPart(env, smsPart);
}
