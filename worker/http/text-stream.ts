/**
 * A response body written in pieces by `produce` (each piece a string, UTF-8 encoded), while the
 * Worker stays alive through `keep` (ctx.waitUntil). A failure half way aborts the stream, so the
 * client sees a cut-off download rather than a file that looks complete.
 */
export function textStream(what: string, keep: (p: Promise<unknown>) => void, produce: (write: (text: string) => Promise<void>) => Promise<void>): ReadableStream<Uint8Array> {
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const encoder = new TextEncoder();
  const run = async () => {
    const writer = writable.getWriter();
    try {
      await produce((text) => writer.write(encoder.encode(text)));
      await writer.close();
    } catch (err) {
      console.error(`${what} failed`, err);
      await writer.abort(err);
    }
  };
  keep(run());
  return readable;
}
