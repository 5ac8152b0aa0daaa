// Reads a body stream up to a byte limit, counting as the bytes arrive: a body
// over the limit is cancelled mid-stream, never held in memory whole. Used for
// the console's request bodies and for upstream answers.

export class SizeLimitError extends Error {
  constructor(readonly limit: number) {
    super(`larger than ${limit} bytes`);
    this.name = 'SizeLimitError';
  }
}

export async function readCapped(stream: ReadableStream<Uint8Array> | null, limit: number): Promise<Uint8Array> {
  if (!stream) return new Uint8Array(0);
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      // stop the sender: nothing more is read
      await reader.cancel().catch(() => undefined);
      throw new SizeLimitError(limit);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
