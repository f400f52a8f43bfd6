import { StringDecoder } from "node:string_decoder";

/**
 * Turns a stream of output chunks (Buffers or strings) into complete lines.
 *
 * Lines end at "\n"; one "\r" before it is dropped, so CRLF output yields the same lines as LF output
 * even when "\r" and "\n" arrive in different chunks. A lone "\r" (progress bars) is kept as content.
 * Buffers are decoded as UTF-8 with a StringDecoder, so a multi-byte character split across chunks is
 * decoded whole. One instance per stream; chunks must be pushed in order.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder("utf8");
  private pending = "";

  /**
   * Adds a chunk and returns the lines it completed, in order, without their terminators. Returns an
   * empty array when the chunk completes no line.
   */
  push(chunk: Buffer | string): string[] {
    const text = typeof chunk === "string" ? chunk : this.decoder.write(chunk);
    if (!text.includes("\n")) {
      this.pending += text;
      return [];
    }
    const parts = (this.pending + text).split("\n");
    this.pending = parts.pop() ?? "";
    return parts.map(stripCarriageReturn);
  }

  /**
   * Ends the stream: returns the trailing partial line (with any incomplete UTF-8 sequence decoded as
   * U+FFFD), or null when the output ended with a newline or was empty. Resets the splitter, so it
   * can be reused for a new stream.
   */
  flush(): string | null {
    const rest = this.pending + this.decoder.end();
    this.pending = "";
    return rest === "" ? null : stripCarriageReturn(rest);
  }
}

function stripCarriageReturn(line: string): string {
  return line.endsWith("\r") ? line.slice(0, -1) : line;
}
