import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { AppError } from '@sipops/shared/errors';
import type { WebClient } from '@slack/web-api';
import type { BotContext } from './bot-context.ts';
import type { SlackMessage } from './views/blocks.ts';

/** The parts of files.info a batch needs. */
export type SlackFile = { id: string; name: string; size: number; downloadUrl: string };

export async function readFileInfo(client: WebClient, fileId: string): Promise<SlackFile> {
  const { file } = await client.files.info({ file: fileId });
  const downloadUrl = file?.url_private_download ?? file?.url_private;
  if (!file?.id || !downloadUrl)
    throw new AppError('NOT_FOUND', 'Slack gives no download of that file; upload it again', {
      field: 'file',
    });
  return { id: file.id, name: file.name ?? 'the file', size: file.size ?? 0, downloadUrl };
}

/**
 * The file's bytes as they arrive, with the bot token: never whole in memory. The request is made
 * at the first read, so a source that is never read downloads nothing.
 */
export async function* downloadFile(client: WebClient, file: SlackFile): AsyncGenerator<Buffer> {
  const response = await fetch(file.downloadUrl, {
    headers: { authorization: `Bearer ${client.token ?? ''}` },
    signal: AbortSignal.timeout(10 * 60_000),
  });
  // Slack answers a refused download with its sign-in page, not an error status.
  const isHtml = response.headers.get('content-type')?.includes('text/html') === true;
  if (!response.ok || !response.body || isHtml) {
    await response.body?.cancel();
    throw new Error(
      `Slack refused to download ${file.name} (HTTP ${response.status}${isHtml ? ', a sign-in page' : ''}): does the app have the files:read scope?`,
    );
  }
  yield* Readable.fromWeb(response.body as WebReadableStream<Uint8Array>) as AsyncIterable<Buffer>;
}

/** Passes the chunks through, hashing them; `digest()` is ready once they are all read. */
export function hashChunks(source: AsyncIterable<Uint8Array>): {
  chunks: AsyncGenerator<Uint8Array>;
  digest: () => string;
} {
  const hash = createHash('sha256');
  let digest: string | undefined;
  async function* chunks() {
    for await (const chunk of source) {
      hash.update(chunk);
      yield chunk;
    }
    digest = hash.digest('hex');
  }
  return {
    chunks: chunks(),
    digest: () => {
      if (digest === undefined) throw new Error('the file was not read to its end');
      return digest;
    },
  };
}

/** The chunks, refused at their end if they are not the bytes that were previewed. */
export async function* expectDigest(
  source: AsyncIterable<Uint8Array>,
  sha256: string,
): AsyncGenerator<Uint8Array> {
  const hash = createHash('sha256');
  for await (const chunk of source) {
    hash.update(chunk);
    yield chunk;
  }
  // Thrown while the import's transaction is open: nothing of it is kept.
  if (hash.digest('hex') !== sha256)
    throw new AppError(
      'NOT_ALLOWED',
      'the file changed since its preview; run `/sip batch` again to check it',
    );
}

/** Uploads a CSV with files.uploadV2; shared in `channel` when given. Returns its file id. */
export async function uploadCsv(
  client: WebClient,
  options: { filename: string; content: string; channel?: string; title?: string },
): Promise<string> {
  const result = (await client.files.uploadV2({
    filename: options.filename,
    content: options.content,
    title: options.title ?? options.filename,
    ...(options.channel ? { channel_id: options.channel } : {}),
  })) as { files?: { files?: { id?: string }[] }[] };
  const id = result.files?.[0]?.files?.[0]?.id;
  if (!id) throw new Error('files.uploadV2 gave no file id');
  return id;
}

/** Every update of a status message at least this far apart, the last one apart. */
const UPDATE_INTERVAL_MS = 2000;

/**
 * One message that tells how a batch goes: posted once, then edited with chat.update. Progress
 * updates are dropped while one is on its way or came less than two seconds ago; `show` always
 * lands, after any update on its way.
 */
export class StatusMessage {
  private lastAt = 0;
  private pending: Promise<void> = Promise.resolve();
  private isSending = false;

  constructor(
    private readonly client: WebClient,
    private readonly context: BotContext,
    readonly channel: string,
    readonly ts: string,
  ) {}

  /** Posts the first state in the user's direct messages with the app. */
  static async post(
    client: WebClient,
    context: BotContext,
    userId: string,
    message: SlackMessage,
  ): Promise<StatusMessage> {
    const posted = await client.chat.postMessage({
      channel: userId,
      text: message.text,
      ...(message.blocks ? { blocks: message.blocks } : {}),
    });
    if (!posted.channel || !posted.ts) throw new Error('chat.postMessage gave no channel or ts');
    const status = new StatusMessage(client, context, posted.channel, posted.ts);
    status.lastAt = Date.now();
    return status;
  }

  progress(message: SlackMessage): void {
    if (this.isSending || Date.now() - this.lastAt < UPDATE_INTERVAL_MS) return;
    this.isSending = true;
    this.pending = this.update(message)
      .catch((error: unknown) => {
        this.context.logger.warn('sipops slack: a progress update failed', error);
      })
      .finally(() => {
        this.isSending = false;
      });
  }

  async show(message: SlackMessage): Promise<void> {
    await this.pending;
    await this.update(message);
  }

  private async update(message: SlackMessage): Promise<void> {
    this.lastAt = Date.now();
    await this.client.chat.update({
      channel: this.channel,
      ts: this.ts,
      text: message.text,
      ...(message.blocks ? { blocks: message.blocks } : {}),
    });
  }
}
