import { createHmac } from 'node:crypto';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type Logger, LogLevel } from '@slack/web-api';

/**
 * A fake of Slack's Web API over real HTTP, for the real `@slack/web-api` and `@slack/bolt`
 * clients (`slackApiUrl: fake.url`). It records every call, answers like Slack, keeps each
 * channel's history, treats trigger ids as single use, and checks every message and view
 * against Slack's documented Block Kit limits.
 */

export type FakeSlackCall = {
  method: string;
  /** Form fields as sent, with the JSON-encoded ones (`blocks`, `view`, `metadata`…) parsed. */
  body: Record<string, unknown>;
  headers: IncomingHttpHeaders;
  at: Date;
  /** For `response_url` posts: the id in the URL (`responseUrl(id)`). */
  responseId?: string;
};

/**
 * A scripted answer. `'hang'` means the request reaches Slack and takes effect (a message is
 * posted, a trigger id is spent) but no answer ever comes back: the case a client timeout meets.
 */
export type FakeSlackResponse =
  | {
      status?: number;
      headers?: Record<string, string>;
      json?: object;
      /** The call takes effect (a message is posted) before this answer: the ambiguous 5xx. */
      isApplied?: boolean;
    }
  | 'hang';

/** Picks an answer for a call nothing is scripted for (a fault), or undefined for Slack's own. */
export type FakeSlackFaults = (method: string) => FakeSlackResponse | undefined;

export type PostedMessage = {
  type: 'message';
  channel: string;
  ts: string;
  text?: string;
  blocks?: unknown[];
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  thread_ts?: string;
  user: string;
  bot_id: string;
};

export type FakeFile = { id: string; name: string; content: string | Buffer; mimetype: string };

export type FakeSlack = {
  /** The Web API base, ending in `/api/`: pass it as `slackApiUrl`. */
  url: string;
  /** The server's origin (`http://127.0.0.1:<port>`). */
  origin: string;
  calls: FakeSlackCall[];
  callsTo(method: string): FakeSlackCall[];
  /** Answers the next calls to `method` with these, in order, before the default answers. */
  script(method: string, ...responses: FakeSlackResponse[]): void;
  /** Answers unscripted calls with what `faults` picks (undefined: no faults) until reset. */
  setFaults(faults: FakeSlackFaults | undefined): void;
  /** Posting to this channel fails with `error` (default `channel_not_found`) until reset. */
  failChannel(channel: string, error?: string): void;
  /** Messages in a channel, oldest first (what chat.postMessage and chat.update left there). */
  history(channel: string): PostedMessage[];
  /** Every Block Kit rule broken by a message or view received, with the method and pointer. */
  violations: string[];
  /** A file for files.info, downloadable at its `url_private_download` with the bot token. */
  addFile(name: string, content: string | Buffer, mimetype?: string): FakeFile;
  /** A file added, or uploaded by the bot (files.uploadV2: its content and where it was shared). */
  file(id: string): (FakeFile & { channel?: string }) | undefined;
  /** A `response_url` served by the fake: posts to it are recorded as method `response_url`. */
  responseUrl(id?: string): string;
  /** Forgets calls, scripts, history, views, trigger ids, files and violations. */
  reset(): void;
  close(): Promise<void>;
};

export type FakeSlackOptions = {
  /** Stamps `calls[].at` (tests with a fake clock compare call times against it). */
  clock?: { now(): Date };
  teamId?: string;
  botUserId?: string;
};

/** The headers Slack signs a request to the app with (v0 HMAC-SHA256 of `v0:<ts>:<body>`). */
export function signSlackRequest(
  secret: string,
  body: string,
  timestamp: number = Math.floor(Date.now() / 1000),
): { 'x-slack-signature': string; 'x-slack-request-timestamp': string } {
  const signature = createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex');
  return {
    'x-slack-signature': `v0=${signature}`,
    'x-slack-request-timestamp': String(timestamp),
  };
}

/** A Slack logger that prints nothing: pass it to clients in tests that expect failures. */
export const SILENT_SLACK_LOGGER: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => LogLevel.ERROR,
  setName: () => {},
};

const JSON_FIELDS = new Set([
  'blocks',
  'attachments',
  'view',
  'metadata',
  'unfurls',
  'user_auth_blocks',
  'files',
]);
const MESSAGE_MAX_BLOCKS = 50;
const VIEW_MAX_BLOCKS = 100;
const MESSAGE_MAX_TEXT = 40_000;

type StoredView = {
  id: string;
  hash: string;
  type: string;
  externalId?: string;
  view: Record<string, unknown>;
};

export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const now = () => options.clock?.now() ?? new Date();
  const teamId = options.teamId ?? 'T0FAKE';
  const botUserId = options.botUserId ?? 'U0BOT';
  const botId = 'B0BOT';

  const calls: FakeSlackCall[] = [];
  const violations: string[] = [];
  const scripts = new Map<string, FakeSlackResponse[]>();
  const failingChannels = new Map<string, string>();
  let faults: FakeSlackFaults | undefined;
  const channels = new Map<string, PostedMessage[]>();
  const views = new Map<string, StoredView>();
  const usedTriggers = new Set<string>();
  const files = new Map<string, FakeFile & { channel?: string }>();
  /** Files of files.getUploadURLExternal: uploaded to their URL, then completed. */
  const uploads = new Map<string, FakeFile & { isUploaded: boolean }>();
  const hanging = new Set<ServerResponse>();
  const sockets = new Set<Socket>();
  let counter = 0;

  const nextId = (prefix: string) => `${prefix}${String(++counter).padStart(8, '0')}`;
  let lastTsMicros = 0;
  /** Slack's `ts`: seconds.micros at the fake's clock, strictly increasing. */
  const nextTs = () => {
    lastTsMicros = Math.max(lastTsMicros + 1, now().getTime() * 1000);
    return `${Math.floor(lastTsMicros / 1e6)}.${String(lastTsMicros % 1e6).padStart(6, '0')}`;
  };

  const server = createServer((req, res) => {
    void handleRequest(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: false, error: 'fake_slack_crashed', detail: String(error) }));
      }
    });
  });
  // A client killed mid-request resets its socket: that is the client's end, not the fake's.
  server.on('clientError', (_error, socket) => socket.destroy());
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', origin).pathname;
    const raw = await readBody(req);
    if (req.method === 'GET' && path.startsWith('/files/')) {
      const file = files.get(path.split('/')[2] ?? '');
      // Recorded like a response URL, so a test can tell whether (and how) a file was fetched.
      calls.push({
        method: 'file_download',
        body: { file: file?.id },
        headers: req.headers,
        at: now(),
      });
      if (!file) return send(res, 404, { ok: false, error: 'file_not_found' });
      res.writeHead(200, { 'content-type': file.mimetype });
      res.end(file.content);
      return;
    }
    if (req.method === 'POST' && path.startsWith('/upload/')) {
      const upload = uploads.get(path.split('/')[2] ?? '');
      if (!upload) return send(res, 404, { ok: false, error: 'file_not_found' });
      upload.content = await uploadedContent(raw, req.headers['content-type']);
      upload.isUploaded = true;
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`OK - ${upload.content.length}`);
      return;
    }
    const body = parseBody(raw, req.headers['content-type']);
    if (path.startsWith('/response/')) {
      calls.push({
        method: 'response_url',
        body,
        headers: req.headers,
        at: now(),
        responseId: path.slice('/response/'.length),
      });
      if (Array.isArray(body.blocks)) {
        const errors = checkBlocks(body.blocks, MESSAGE_MAX_BLOCKS, '/blocks');
        if (errors.length > 0) return reject(res, 'response_url', 'invalid_blocks', errors);
      }
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
      return;
    }
    const method = path.startsWith('/api/') ? path.slice('/api/'.length) : path.slice(1);
    calls.push({ method, body, headers: req.headers, at: now() });

    const scripted = scripts.get(method)?.shift() ?? faults?.(method);
    if (scripted === 'hang') {
      const result = answer(method, body, req.headers);
      if (result.errors) violations.push(...result.errors.map((e) => `${method}: ${e}`));
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return;
    }
    if (scripted) {
      if (scripted.isApplied) {
        const result = answer(method, body, req.headers);
        if (result.errors) violations.push(...result.errors.map((e) => `${method}: ${e}`));
      }
      const status = scripted.status ?? 200;
      res.writeHead(status, { 'content-type': 'application/json', ...scripted.headers });
      res.end(JSON.stringify(scripted.json ?? (status === 200 ? { ok: true } : { ok: false })));
      return;
    }
    const result = answer(method, body, req.headers);
    if (result.errors) return reject(res, method, result.error, result.errors);
    send(res, 200, result.json);
  }

  function reject(res: ServerResponse, method: string, error: string, errors: string[]): void {
    violations.push(...errors.map((e) => `${method}: ${e}`));
    send(res, 200, {
      ok: false,
      error,
      errors,
      response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) },
    });
  }

  type Answer =
    | { json: Record<string, unknown>; errors?: undefined }
    | { error: string; errors: string[] };

  /** The default answer of each method, applying its effect (posting, spending a trigger id). */
  function answer(
    method: string,
    body: Record<string, unknown>,
    headers: IncomingHttpHeaders,
  ): Answer {
    const token =
      headers.authorization?.replace(/^Bearer\s+/i, '') ??
      (typeof body.token === 'string' ? body.token : undefined);
    if (!token) return fail('not_authed');
    const ok = (json: Record<string, unknown>): Answer => ({ json: { ok: true, ...json } });
    const str = (key: string) => (typeof body[key] === 'string' ? (body[key] as string) : '');

    switch (method) {
      case 'api.test':
        return ok({ args: body });
      case 'auth.test':
        return ok({
          url: 'https://fake.slack.com/',
          team: 'Fake Team',
          user: 'sipops',
          team_id: teamId,
          user_id: botUserId,
          bot_id: botId,
          is_enterprise_install: false,
        });
      case 'chat.postMessage': {
        const channel = str('channel');
        if (!channel) return fail('channel_not_found');
        const failure = failingChannels.get(channel);
        if (failure) return fail(failure);
        const checked = checkMessage(body);
        if (checked) return checked;
        const message: PostedMessage = {
          type: 'message',
          channel,
          ts: nextTs(),
          user: botUserId,
          bot_id: botId,
          ...(typeof body.text === 'string' ? { text: body.text } : {}),
          ...(Array.isArray(body.blocks) ? { blocks: body.blocks } : {}),
          ...(isMetadata(body.metadata) ? { metadata: body.metadata } : {}),
          ...(str('thread_ts') ? { thread_ts: str('thread_ts') } : {}),
        };
        historyOf(channel).push(message);
        return ok({ channel, ts: message.ts, message: withoutChannel(message) });
      }
      case 'chat.update': {
        const channel = str('channel');
        const message = historyOf(channel).find((m) => m.ts === str('ts'));
        if (!message) return fail('message_not_found');
        const checked = checkMessage(body);
        if (checked) return checked;
        if (typeof body.text === 'string') message.text = body.text;
        if (Array.isArray(body.blocks)) message.blocks = body.blocks;
        if (isMetadata(body.metadata)) message.metadata = body.metadata;
        return ok({
          channel,
          ts: message.ts,
          text: message.text,
          message: withoutChannel(message),
        });
      }
      case 'chat.delete': {
        const list = historyOf(str('channel'));
        const index = list.findIndex((m) => m.ts === str('ts'));
        if (index < 0) return fail('message_not_found');
        list.splice(index, 1);
        return ok({ channel: str('channel'), ts: str('ts') });
      }
      case 'chat.postEphemeral': {
        if (!str('channel')) return fail('channel_not_found');
        if (!str('user')) return fail('user_not_in_channel');
        const checked = checkMessage(body);
        if (checked) return checked;
        return ok({ message_ts: nextTs() });
      }
      case 'chat.getPermalink':
        return ok({
          channel: str('channel'),
          permalink: `https://fake.slack.com/archives/${str('channel')}/p${str('message_ts').replace('.', '')}`,
        });
      case 'views.open':
      case 'views.push': {
        const trigger = str('trigger_id');
        if (!trigger || usedTriggers.has(trigger) || trigger.startsWith('expired'))
          return fail('expired_trigger_id');
        usedTriggers.add(trigger);
        return storeView(method, body.view);
      }
      case 'views.update': {
        const existing = str('view_id')
          ? views.get(str('view_id'))
          : [...views.values()].find((v) => v.externalId && v.externalId === str('external_id'));
        if (!existing) return fail('not_found');
        if (str('hash') && str('hash') !== existing.hash) return fail('hash_conflict');
        return storeView(method, body.view, existing);
      }
      case 'views.publish': {
        if (!str('user_id')) return fail('user_not_found');
        const view = body.view as Record<string, unknown> | undefined;
        if (view && view.type !== 'home')
          return { error: 'invalid_arguments', errors: ['views.publish needs a home view'] };
        const existing = [...views.values()].find((v) => v.id === `VHOME${str('user_id')}`);
        return storeView(method, body.view, existing, `VHOME${str('user_id')}`);
      }
      case 'conversations.history': {
        const channel = str('channel');
        if (failingChannels.has(channel)) return fail(failingChannels.get(channel) ?? '');
        const isMetadataIncluded = String(body.include_all_metadata) === 'true';
        const limit = Math.min(Number(body.limit ?? 100) || 100, 999);
        const oldest = Number(body.oldest ?? 0);
        const latest = body.latest === undefined ? Number.POSITIVE_INFINITY : Number(body.latest);
        const messages = [...historyOf(channel)]
          .reverse()
          .filter((m) => Number(m.ts) > oldest && Number(m.ts) < latest)
          .map(({ channel: _channel, metadata, ...m }) =>
            isMetadataIncluded && metadata ? { ...m, metadata } : m,
          );
        const start = Number(Buffer.from(str('cursor'), 'base64url').toString() || 0);
        const isMore = messages.length > start + limit;
        return ok({
          messages: messages.slice(start, start + limit),
          has_more: isMore,
          response_metadata: {
            next_cursor: isMore ? Buffer.from(String(start + limit)).toString('base64url') : '',
          },
        });
      }
      case 'conversations.info':
        if (failingChannels.has(str('channel')))
          return fail(failingChannels.get(str('channel')) ?? '');
        return ok({ channel: { id: str('channel'), name: str('channel').toLowerCase() } });
      case 'conversations.join':
        return ok({ channel: { id: str('channel') } });
      case 'users.info': {
        const id = str('user');
        if (!id) return fail('user_not_found');
        return ok({
          user: {
            id,
            team_id: teamId,
            name: id.toLowerCase(),
            real_name: `User ${id}`,
            tz: 'Europe/Rome',
            is_bot: false,
            profile: { display_name: id.toLowerCase(), real_name: `User ${id}` },
          },
        });
      }
      case 'files.getUploadURLExternal': {
        if (!str('filename')) return fail('invalid_arguments');
        if (!(Number(body.length) > 0)) return fail('invalid_arguments');
        const id = nextId('F');
        const name = str('filename');
        uploads.set(id, { id, name, content: '', mimetype: 'text/csv', isUploaded: false });
        return ok({ upload_url: `${origin}/upload/${id}`, file_id: id });
      }
      case 'files.completeUploadExternal': {
        const list = Array.isArray(body.files)
          ? (body.files as { id?: string; title?: string }[])
          : [];
        if (list.length === 0) return fail('invalid_arguments');
        const done: Record<string, unknown>[] = [];
        for (const item of list) {
          const upload = uploads.get(item.id ?? '');
          if (!upload?.isUploaded) return fail('file_not_found');
          uploads.delete(upload.id);
          const { isUploaded: _uploaded, ...file } = upload;
          files.set(file.id, {
            ...file,
            ...(str('channel_id') ? { channel: str('channel_id') } : {}),
          });
          done.push({ ...fileInfo(file), title: item.title ?? file.name });
        }
        return ok({ files: done });
      }
      case 'files.info': {
        const file = files.get(str('file'));
        if (!file) return fail('file_not_found');
        return ok({ file: fileInfo(file) });
      }
      default:
        return fail('unknown_method');
    }
  }

  function fail(error: string): Answer {
    return { json: { ok: false, error } };
  }

  function checkMessage(body: Record<string, unknown>): Answer | undefined {
    const hasBlocks = Array.isArray(body.blocks) && body.blocks.length > 0;
    if (!hasBlocks && !(typeof body.text === 'string' && body.text.length > 0) && !body.attachments)
      return fail('no_text');
    if (typeof body.text === 'string' && body.text.length > MESSAGE_MAX_TEXT)
      return fail('msg_too_long');
    const errors: string[] = [];
    if (body.blocks !== undefined) {
      if (!Array.isArray(body.blocks))
        errors.push('blocks must be an array [json-pointer:/blocks]');
      else errors.push(...checkBlocks(body.blocks, MESSAGE_MAX_BLOCKS, '/blocks'));
    }
    if (body.metadata !== undefined && !isMetadata(body.metadata))
      errors.push('metadata needs event_type and event_payload [json-pointer:/metadata]');
    return errors.length > 0 ? { error: 'invalid_blocks', errors } : undefined;
  }

  function storeView(
    method: string,
    raw: unknown,
    existing?: StoredView,
    fixedId?: string,
  ): Answer {
    const errors = checkView(raw);
    if (errors.length > 0) return { error: 'invalid_arguments', errors };
    const view = raw as Record<string, unknown>;
    const stored: StoredView = {
      id: existing?.id ?? fixedId ?? nextId('V'),
      hash: `${Date.now()}.${nextId('H')}`,
      type: String(view.type),
      ...(typeof view.external_id === 'string' ? { externalId: view.external_id } : {}),
      view,
    };
    views.set(stored.id, stored);
    return {
      json: {
        ok: true,
        view: {
          ...view,
          id: stored.id,
          hash: stored.hash,
          team_id: teamId,
          app_id: 'A0FAKE',
          bot_id: botId,
          state: { values: {} },
          previous_view_id: null,
          root_view_id: method === 'views.push' ? null : stored.id,
        },
      },
    };
  }

  function historyOf(channel: string): PostedMessage[] {
    let list = channels.get(channel);
    if (!list) {
      list = [];
      channels.set(channel, list);
    }
    return list;
  }

  function fileInfo(file: FakeFile) {
    return {
      id: file.id,
      name: file.name,
      title: file.name,
      mimetype: file.mimetype,
      filetype: file.name.split('.').pop() ?? '',
      size: Buffer.byteLength(file.content),
      url_private: `${origin}/files/${file.id}/${encodeURIComponent(file.name)}`,
      url_private_download: `${origin}/files/${file.id}/download/${encodeURIComponent(file.name)}`,
    };
  }

  return {
    url: `${origin}/api/`,
    origin,
    calls,
    callsTo: (method) => calls.filter((c) => c.method === method),
    script(method, ...responses) {
      scripts.set(method, [...(scripts.get(method) ?? []), ...responses]);
    },
    setFaults(pick) {
      faults = pick;
    },
    failChannel(channel, error = 'channel_not_found') {
      failingChannels.set(channel, error);
    },
    history: (channel) => [...(channels.get(channel) ?? [])],
    violations,
    addFile(name, content, mimetype = 'text/csv') {
      const file = { id: nextId('F'), name, content, mimetype };
      files.set(file.id, file);
      return file;
    },
    file: (id) => files.get(id),
    responseUrl: (id = nextId('R')) => `${origin}/response/${id}`,
    reset() {
      calls.length = 0;
      violations.length = 0;
      scripts.clear();
      failingChannels.clear();
      faults = undefined;
      channels.clear();
      views.clear();
      usedTriggers.clear();
      files.clear();
      uploads.clear();
      for (const res of hanging) res.destroy();
    },
    async close() {
      for (const res of hanging) res.destroy();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function send(res: ServerResponse, status: number, json: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(json));
}

/** The bytes posted to an upload URL: raw, or the file part of a multipart form (as web-api sends). */
async function uploadedContent(raw: string, contentType: string | undefined): Promise<Buffer> {
  if (!contentType?.startsWith('multipart/form-data')) return Buffer.from(raw, 'utf8');
  const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
  const part = [...form.values()].find((value) => typeof value !== 'string');
  return part ? Buffer.from(await part.arrayBuffer()) : Buffer.alloc(0);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseBody(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (!raw) return {};
  if (contentType?.includes('application/json')) {
    try {
      const parsed: unknown = JSON.parse(raw);
      return typeof parsed === 'object' && parsed !== null
        ? (parsed as Record<string, unknown>)
        : {};
    } catch {
      return { _raw: raw };
    }
  }
  const body: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    if (JSON_FIELDS.has(key)) {
      try {
        body[key] = JSON.parse(value);
        continue;
      } catch {
        // Left as sent: the checks below report it.
      }
    }
    body[key] = value;
  }
  return body;
}

function isMetadata(value: unknown): value is PostedMessage['metadata'] & object {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { event_type?: unknown }).event_type === 'string' &&
    typeof (value as { event_payload?: unknown }).event_payload === 'object'
  );
}

function withoutChannel({ channel: _channel, ...message }: PostedMessage) {
  return message;
}

// --- Block Kit limits (https://docs.slack.dev/reference/block-kit) ---

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks a modal or home view; returns Slack-style errors with JSON pointers. */
export function checkView(raw: unknown): string[] {
  if (!isObject(raw)) return ['view must be an object [json-pointer:/view]'];
  const errors: string[] = [];
  const at = (pointer: string) => `[json-pointer:/view${pointer}]`;
  if (raw.type !== 'modal' && raw.type !== 'home')
    errors.push(`type must be modal or home ${at('/type')}`);
  if (raw.type === 'modal') {
    if (!isObject(raw.title)) errors.push(`a modal needs a title ${at('/title')}`);
    else checkText(raw.title, 24, '/view/title', errors, true);
    for (const key of ['submit', 'close']) {
      if (raw[key] !== undefined) checkText(raw[key], 24, `/view/${key}`, errors, true);
    }
    const hasInput =
      Array.isArray(raw.blocks) && raw.blocks.some((b) => isObject(b) && b.type === 'input');
    if (hasInput && raw.submit === undefined)
      errors.push(`a modal with input blocks needs a submit button ${at('/submit')}`);
  }
  if (typeof raw.callback_id === 'string' && raw.callback_id.length > 255)
    errors.push(`callback_id must be at most 255 characters ${at('/callback_id')}`);
  if (typeof raw.private_metadata === 'string' && raw.private_metadata.length > 3000)
    errors.push(`private_metadata must be at most 3000 characters ${at('/private_metadata')}`);
  if (typeof raw.external_id === 'string' && raw.external_id.length > 255)
    errors.push(`external_id must be at most 255 characters ${at('/external_id')}`);
  if (!Array.isArray(raw.blocks)) errors.push(`blocks must be an array ${at('/blocks')}`);
  else errors.push(...checkBlocks(raw.blocks, VIEW_MAX_BLOCKS, '/view/blocks'));
  return errors;
}

/** Checks a list of blocks (a message's or a view's); returns Slack-style errors. */
export function checkBlocks(blocks: unknown[], maxBlocks: number, pointer: string): string[] {
  const errors: string[] = [];
  if (blocks.length > maxBlocks)
    errors.push(`no more than ${maxBlocks} items allowed [json-pointer:${pointer}]`);
  const blockIds = new Set<string>();
  blocks.forEach((block, index) => {
    const where = `${pointer}/${index}`;
    if (!isObject(block)) {
      errors.push(`a block must be an object [json-pointer:${where}]`);
      return;
    }
    if (block.block_id !== undefined) {
      const id = String(block.block_id);
      if (id.length > 255 || id.length === 0)
        errors.push(`block_id must be 1 to 255 characters [json-pointer:${where}/block_id]`);
      if (blockIds.has(id))
        errors.push(`duplicate block_id ${JSON.stringify(id)} [json-pointer:${where}/block_id]`);
      blockIds.add(id);
    }
    checkBlock(block, where, errors);
  });
  return errors;
}

function checkBlock(block: Json, where: string, errors: string[]): void {
  const actionIds = new Set<string>();
  const element = (value: unknown, at: string) => checkElement(value, at, errors, actionIds);
  switch (block.type) {
    case 'section': {
      if (block.text === undefined && block.fields === undefined)
        errors.push(`a section needs text or fields [json-pointer:${where}]`);
      if (block.text !== undefined) checkText(block.text, 3000, `${where}/text`, errors);
      if (block.fields !== undefined) {
        if (!Array.isArray(block.fields) || block.fields.length === 0)
          errors.push(`fields must be a non-empty array [json-pointer:${where}/fields]`);
        else {
          if (block.fields.length > 10)
            errors.push(`no more than 10 items allowed [json-pointer:${where}/fields]`);
          block.fields.forEach((field, i) => {
            checkText(field, 2000, `${where}/fields/${i}`, errors);
          });
        }
      }
      if (block.accessory !== undefined) element(block.accessory, `${where}/accessory`);
      return;
    }
    case 'header':
      checkText(block.text, 150, `${where}/text`, errors, true);
      return;
    case 'divider':
      return;
    case 'context':
      if (!Array.isArray(block.elements) || block.elements.length === 0)
        errors.push(`context needs elements [json-pointer:${where}/elements]`);
      else {
        if (block.elements.length > 10)
          errors.push(`no more than 10 items allowed [json-pointer:${where}/elements]`);
        block.elements.forEach((item, i) => {
          if (isObject(item) && item.type === 'image') return;
          checkText(item, 3000, `${where}/elements/${i}`, errors);
        });
      }
      return;
    case 'actions':
      if (!Array.isArray(block.elements) || block.elements.length === 0)
        errors.push(`actions needs elements [json-pointer:${where}/elements]`);
      else {
        if (block.elements.length > 25)
          errors.push(`no more than 25 items allowed [json-pointer:${where}/elements]`);
        block.elements.forEach((item, i) => {
          element(item, `${where}/elements/${i}`);
        });
      }
      return;
    case 'input':
      if (block.label === undefined)
        errors.push(`an input block needs a label [json-pointer:${where}/label]`);
      else checkText(block.label, 2000, `${where}/label`, errors, true);
      if (block.element === undefined)
        errors.push(`an input block needs an element [json-pointer:${where}/element]`);
      else element(block.element, `${where}/element`);
      if (block.hint !== undefined) checkText(block.hint, 2000, `${where}/hint`, errors, true);
      return;
    case 'image':
      if (typeof block.image_url !== 'string' && block.slack_file === undefined)
        errors.push(`an image needs image_url [json-pointer:${where}/image_url]`);
      if (typeof block.alt_text !== 'string' || block.alt_text.length > 2000)
        errors.push(`alt_text must be 1 to 2000 characters [json-pointer:${where}/alt_text]`);
      return;
    case 'rich_text':
    case 'file':
    case 'video':
    case 'markdown':
    case 'table':
      return;
    default:
      errors.push(`unknown block type ${JSON.stringify(block.type)} [json-pointer:${where}/type]`);
  }
}

function checkElement(value: unknown, where: string, errors: string[], actionIds: Set<string>) {
  if (!isObject(value)) {
    errors.push(`an element must be an object [json-pointer:${where}]`);
    return;
  }
  if (value.action_id !== undefined) {
    const id = String(value.action_id);
    if (id.length === 0 || id.length > 255)
      errors.push(`action_id must be 1 to 255 characters [json-pointer:${where}/action_id]`);
    // Slack's rule: an action_id is unique among the elements of its block.
    if (actionIds.has(id))
      errors.push(`duplicate action_id ${JSON.stringify(id)} [json-pointer:${where}/action_id]`);
    actionIds.add(id);
  }
  if (value.confirm !== undefined) checkConfirm(value.confirm, `${where}/confirm`, errors);
  if (value.placeholder !== undefined)
    checkText(value.placeholder, 150, `${where}/placeholder`, errors, true);
  switch (value.type) {
    case 'button':
      checkText(value.text, 75, `${where}/text`, errors, true);
      if (typeof value.value === 'string' && value.value.length > 2000)
        errors.push(`value must be at most 2000 characters [json-pointer:${where}/value]`);
      if (typeof value.url === 'string' && value.url.length > 3000)
        errors.push(`url must be at most 3000 characters [json-pointer:${where}/url]`);
      if (value.style !== undefined && value.style !== 'primary' && value.style !== 'danger')
        errors.push(`style must be primary or danger [json-pointer:${where}/style]`);
      return;
    case 'static_select':
    case 'multi_static_select':
    case 'radio_buttons':
    case 'checkboxes':
    case 'overflow': {
      const groups = Array.isArray(value.option_groups) ? value.option_groups : undefined;
      const options = Array.isArray(value.options) ? value.options : undefined;
      if (!options && !groups)
        errors.push(`${String(value.type)} needs options [json-pointer:${where}/options]`);
      const max = value.type === 'overflow' ? 5 : value.type === 'radio_buttons' ? 10 : 100;
      if (options) {
        if (options.length > max)
          errors.push(`no more than ${max} items allowed [json-pointer:${where}/options]`);
        options.forEach((option, i) => {
          checkOption(option, `${where}/options/${i}`, errors);
        });
      }
      for (const [key, limit] of [
        ['initial_option', 1],
        ['initial_options', max],
      ] as const) {
        if (value[key] === undefined) continue;
        const initial = key === 'initial_option' ? [value[key]] : value[key];
        if (!Array.isArray(initial) || initial.length > limit) continue;
        initial.forEach((option, i) => {
          checkOption(option, `${where}/${key}${key === 'initial_options' ? `/${i}` : ''}`, errors);
        });
        if (options && !initial.every((o) => options.some((p) => sameOption(o, p))))
          errors.push(`${key} must be one of the options [json-pointer:${where}/${key}]`);
      }
      return;
    }
    case 'plain_text_input':
      if (
        typeof value.initial_value === 'string' &&
        typeof value.max_length === 'number' &&
        value.initial_value.length > value.max_length
      )
        errors.push(
          `initial_value is longer than max_length [json-pointer:${where}/initial_value]`,
        );
      if (typeof value.max_length === 'number' && value.max_length > 3000)
        errors.push(`max_length must be at most 3000 [json-pointer:${where}/max_length]`);
      return;
    default:
      return;
  }
}

function sameOption(a: unknown, b: unknown): boolean {
  return isObject(a) && isObject(b) && a.value === b.value;
}

function checkOption(option: unknown, where: string, errors: string[]): void {
  if (!isObject(option)) {
    errors.push(`an option must be an object [json-pointer:${where}]`);
    return;
  }
  checkText(option.text, 75, `${where}/text`, errors);
  if (typeof option.value !== 'string' || option.value.length === 0 || option.value.length > 150)
    errors.push(`an option value must be 1 to 150 characters [json-pointer:${where}/value]`);
  if (option.description !== undefined)
    checkText(option.description, 75, `${where}/description`, errors);
}

function checkConfirm(confirm: unknown, where: string, errors: string[]): void {
  if (!isObject(confirm)) {
    errors.push(`confirm must be an object [json-pointer:${where}]`);
    return;
  }
  for (const [key, max, isPlain] of [
    ['title', 100, true],
    ['text', 300, false],
    ['confirm', 30, true],
    ['deny', 30, true],
  ] as const) {
    if (confirm[key] === undefined)
      errors.push(`a confirm dialog needs ${key} [json-pointer:${where}/${key}]`);
    else checkText(confirm[key], max, `${where}/${key}`, errors, isPlain);
  }
}

function checkText(
  value: unknown,
  max: number,
  where: string,
  errors: string[],
  isPlainOnly = false,
): void {
  if (!isObject(value)) {
    errors.push(`must be a text object [json-pointer:${where}]`);
    return;
  }
  if (value.type !== 'plain_text' && value.type !== 'mrkdwn')
    errors.push(`text type must be plain_text or mrkdwn [json-pointer:${where}/type]`);
  else if (isPlainOnly && value.type !== 'plain_text')
    errors.push(`must be plain_text [json-pointer:${where}/type]`);
  if (typeof value.text !== 'string' || value.text.length === 0)
    errors.push(`text must not be empty [json-pointer:${where}/text]`);
  else if (value.text.length > max)
    errors.push(`must be at most ${max} characters [json-pointer:${where}/text]`);
}
