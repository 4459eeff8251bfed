import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { TwilioApiUrlClient } from '@sipops/bot/process/sms/twilio-api-url';
import twilio from 'twilio';

/**
 * A fake of Twilio's Messages API over real HTTP, for the real `twilio` client (its `httpClient`
 * pointed here by TwilioApiUrlClient, or TWILIO_API_URL for a server). It keeps the messages it
 * accepted, lists them like Twilio, and can be scripted to fail before or after it takes a message.
 */

export const FAKE_ACCOUNT_SID = `AC${'1'.repeat(32)}`;
export const FAKE_AUTH_TOKEN = 'fake-twilio-auth-token-0123456789';
export const FAKE_SERVICE_SID = `MG${'2'.repeat(32)}`;

export type FakeTwilioMessage = {
  sid: string;
  to: string;
  from: string | null;
  body: string;
  messagingServiceSid: string | null;
  validityPeriod: number | null;
  statusCallback: string | null;
  status: string;
  dateCreated: Date;
};

/**
 * A scripted answer to the next message creation:
 * - `500` / `503`: fails without taking the message;
 * - `500-after`: takes the message, then answers 500 (the ambiguous 5xx);
 * - `429`: too many requests, with Retry-After: 1;
 * - `400`: refuses the number (error 21211), a permanent refusal;
 * - `hang`: never answers and takes nothing; `hang-after`: takes the message, never answers.
 */
export type FakeTwilioScript = '500' | '503' | '500-after' | '429' | '400' | 'hang' | 'hang-after';

/** Picks a fault for a request nothing is scripted for (`GET` look-ups take only 500/503/429). */
export type FakeTwilioFaults = (
  method: 'GET' | 'POST',
  /** The message's `To` (POST only). */
  to?: string,
) => FakeTwilioScript | undefined;

export type FakeTwilio = {
  /** The API origin, for TWILIO_API_URL or TwilioApiUrlClient. */
  url: string;
  messages: FakeTwilioMessage[];
  /** Every request, as `METHOD path`. */
  requests: string[];
  script(...answers: FakeTwilioScript[]): void;
  /** Answers unscripted requests with what `faults` picks (undefined: none) until reset. */
  setFaults(faults: FakeTwilioFaults | undefined): void;
  /** A `twilio` RequestClient sending here, with a short timeout for the tests. */
  httpClient(timeoutMs?: number): TwilioApiUrlClient;
  /**
   * Posts a delivery report for a message to its statusCallback, signed like Twilio (or wrongly
   * with `isBadSignature`); returns the HTTP status the app answered.
   */
  report(
    sid: string,
    status: string,
    options?: { errorCode?: string; isBadSignature?: boolean },
  ): Promise<number>;
  reset(): void;
  close(): Promise<void>;
};

const MESSAGES_PATH = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/Messages\.json$/;

function rfc2822(date: Date): string {
  return date.toUTCString().replace('GMT', '+0000');
}

function toJson(m: FakeTwilioMessage) {
  return {
    sid: m.sid,
    account_sid: FAKE_ACCOUNT_SID,
    messaging_service_sid: m.messagingServiceSid,
    to: m.to,
    from: m.from,
    body: m.body,
    status: m.status,
    num_segments: '1',
    direction: 'outbound-api',
    api_version: '2010-04-01',
    price: null,
    price_unit: 'USD',
    error_code: null,
    error_message: null,
    uri: `/2010-04-01/Accounts/${FAKE_ACCOUNT_SID}/Messages/${m.sid}.json`,
    date_created: rfc2822(m.dateCreated),
    date_updated: rfc2822(m.dateCreated),
    date_sent: null,
    subresource_uris: {},
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      text += chunk;
    });
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

export async function startFakeTwilio(): Promise<FakeTwilio> {
  const messages: FakeTwilioMessage[] = [];
  const requests: string[] = [];
  let scripts: FakeTwilioScript[] = [];
  let faults: FakeTwilioFaults | undefined;
  const sockets = new Set<Socket>();

  const send = (res: ServerResponse, status: number, json: object, headers = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(json));
  };

  const take = (form: URLSearchParams): FakeTwilioMessage => {
    const message: FakeTwilioMessage = {
      sid: `SM${randomBytes(16).toString('hex')}`,
      to: form.get('To') ?? '',
      from: form.get('From'),
      body: form.get('Body') ?? '',
      messagingServiceSid: form.get('MessagingServiceSid'),
      validityPeriod: form.has('ValidityPeriod') ? Number(form.get('ValidityPeriod')) : null,
      statusCallback: form.get('StatusCallback'),
      status: form.get('MessagingServiceSid') ? 'accepted' : 'queued',
      dateCreated: new Date(),
    };
    messages.push(message);
    return message;
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      requests.push(`${req.method} ${url.pathname}`);
      const expected = `Basic ${Buffer.from(`${FAKE_ACCOUNT_SID}:${FAKE_AUTH_TOKEN}`).toString('base64')}`;
      const match = MESSAGES_PATH.exec(url.pathname);
      if (req.headers.authorization !== expected || match?.[1] !== FAKE_ACCOUNT_SID) {
        send(res, 401, { code: 20003, message: 'Authenticate', status: 401 });
        return;
      }
      if (req.method === 'GET') {
        const fault = faults?.('GET');
        if (fault === '500' || fault === '503') {
          send(res, Number(fault), { code: 20500, message: 'Internal Server Error', status: 500 });
          return;
        }
        if (fault === '429') {
          send(
            res,
            429,
            { code: 20429, message: 'Too Many Requests', status: 429 },
            { 'retry-after': '1' },
          );
          return;
        }
        const to = url.searchParams.get('To');
        const pageSize = Number(url.searchParams.get('PageSize') ?? 50);
        const found = messages
          .filter((m) => !to || m.to === to)
          .reverse()
          .slice(0, pageSize)
          .map(toJson);
        send(res, 200, {
          messages: found,
          end: Math.max(0, found.length - 1),
          first_page_uri: url.pathname,
          next_page_uri: null,
          page: 0,
          page_size: pageSize,
          previous_page_uri: null,
          start: 0,
          uri: url.pathname,
        });
        return;
      }
      if (req.method !== 'POST') {
        send(res, 405, { code: 20004, message: 'Method not allowed', status: 405 });
        return;
      }
      const form = new URLSearchParams(await readBody(req));
      const answer = scripts.shift() ?? faults?.('POST', form.get('To') ?? undefined);
      if (answer === 'hang') return;
      if (answer === 'hang-after') {
        take(form);
        return;
      }
      if (answer === '500' || answer === '503') {
        send(res, Number(answer), { code: 20500, message: 'Internal Server Error', status: 500 });
        return;
      }
      if (answer === '500-after') {
        take(form);
        send(res, 500, { code: 20500, message: 'Internal Server Error', status: 500 });
        return;
      }
      if (answer === '429') {
        send(
          res,
          429,
          { code: 20429, message: 'Too Many Requests', status: 429 },
          {
            'retry-after': '1',
          },
        );
        return;
      }
      if (answer === '400') {
        send(res, 400, {
          code: 21211,
          message: `The 'To' number ${form.get('To')} is not a valid phone number.`,
          more_info: 'https://www.twilio.com/docs/errors/21211',
          status: 400,
        });
        return;
      }
      send(res, 201, toJson(take(form)));
    })();
  });
  // A client killed mid-request resets its socket: that is the client's end, not the fake's.
  server.on('clientError', (_error, socket) => socket.destroy());
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    messages,
    requests,
    script(...answers) {
      scripts.push(...answers);
    },
    setFaults(pick) {
      faults = pick;
    },
    httpClient(timeoutMs = 1000) {
      return new TwilioApiUrlClient(url, { timeout: timeoutMs, keepAlive: false });
    },
    async report(sid, status, options = {}) {
      const message = messages.find((m) => m.sid === sid);
      if (!message?.statusCallback) throw new Error(`no message ${sid} with a status callback`);
      const params: Record<string, string> = {
        AccountSid: FAKE_ACCOUNT_SID,
        ApiVersion: '2010-04-01',
        MessageSid: sid,
        SmsSid: sid,
        MessageStatus: status,
        SmsStatus: status,
        To: message.to,
        ...(message.messagingServiceSid
          ? { MessagingServiceSid: message.messagingServiceSid }
          : { From: message.from ?? '' }),
        ...(options.errorCode ? { ErrorCode: options.errorCode } : {}),
      };
      const signature = twilio.getExpectedTwilioSignature(
        options.isBadSignature ? 'not-the-auth-token' : FAKE_AUTH_TOKEN,
        message.statusCallback,
        params,
      );
      const response = await fetch(message.statusCallback, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': signature,
        },
        body: new URLSearchParams(params).toString(),
      });
      await response.arrayBuffer();
      return response.status;
    },
    reset() {
      messages.length = 0;
      requests.length = 0;
      scripts = [];
      faults = undefined;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
