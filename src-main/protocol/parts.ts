// Splitting a frame's JSON text into `part` frames and joining them again: both ends of every
// transport keep each frame under MAX_FRAME_BYTES this way, whatever the message.

import { MAX_FRAME_BYTES, type PartFrame } from './types';

/**
 * Characters of JSON text per part. A part frame escapes its data: `"` and `\` take two bytes,
 * any other character at most three (UTF-8), so this many always fit in one frame.
 */
export const PART_CHARS = Math.floor((MAX_FRAME_BYTES - 64) / 3);

/** The text cut into part frames (a surrogate pair is never cut in two). */
export function splitIntoParts(text: string, partChars = PART_CHARS): PartFrame[] {
  const parts: PartFrame[] = [];
  let at = 0;
  while (at < text.length) {
    let end = Math.min(text.length, at + partChars);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
    parts.push({ kind: 'part', data: text.slice(at, end), last: end >= text.length });
    at = end;
  }
  if (parts.length === 0) parts.push({ kind: 'part', data: '', last: true });
  return parts;
}

export function isPartFrame(value: unknown): value is PartFrame {
  if (typeof value !== 'object' || value === null) return false;
  const frame = value as Partial<PartFrame>;
  return frame.kind === 'part' && typeof frame.data === 'string' && typeof frame.last === 'boolean';
}

export type Joined =
  { kind: 'pending' } | { kind: 'text'; text: string } | { kind: 'tooLarge'; limit: number };

/** Collects consecutive parts into the text of one frame, up to `limit` characters. */
export class PartJoiner {
  private parts: string[] = [];
  private length = 0;
  private overflow = false;

  constructor(private readonly limit: number) {}

  push(part: PartFrame): Joined {
    if (!this.overflow) {
      this.length += part.data.length;
      if (this.length > this.limit) {
        this.overflow = true;
        this.parts = [];
      } else this.parts.push(part.data);
    }
    if (!part.last) return { kind: 'pending' };
    const overflow = this.overflow;
    const text = this.parts.join('');
    this.parts = [];
    this.length = 0;
    this.overflow = false;
    return overflow ? { kind: 'tooLarge', limit: this.limit } : { kind: 'text', text };
  }
}
