import { LIMITS } from './views/blocks.ts';

/**
 * What a modal remembers between opening and submission (its `private_metadata`): where to post
 * the result, and which account or profile it edits.
 */
export type ViewMetadata = {
  /** The response URL of the command or card that opened the modal. */
  responseUrl?: string;
  /** Replace the card the modal was opened from, rather than post a new message. */
  isFromCard?: boolean;
  /** The account (username) or profile (name) being edited. */
  subject?: string;
};

export function encodeMetadata(metadata: ViewMetadata): string {
  const text = JSON.stringify(metadata);
  // A response URL is about 100 characters; drop it rather than break the modal.
  return text.length <= LIMITS.privateMetadata
    ? text
    : JSON.stringify({ ...metadata, responseUrl: undefined });
}

export function decodeMetadata(text: string | undefined): ViewMetadata {
  try {
    const parsed = JSON.parse(text ?? '') as Record<string, unknown>;
    return {
      ...(typeof parsed.responseUrl === 'string' ? { responseUrl: parsed.responseUrl } : {}),
      ...(parsed.isFromCard === true ? { isFromCard: true } : {}),
      ...(typeof parsed.subject === 'string' ? { subject: parsed.subject } : {}),
    };
  } catch {
    return {};
  }
}
