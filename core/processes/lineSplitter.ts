import { StringDecoder } from 'node:string_decoder';

/**
 * Splits a byte stream into lines on `\n`, `\r\n` or a lone `\r` (tqdm-style progress bars rewrite a line with
 * `\r`; each rewrite counts as a line). Multi-byte UTF-8 characters split across chunks are kept whole.
 * Over-long lines are split every `maxLineLength` characters so a process writing garbage without newlines
 * cannot exhaust memory.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  private lastWasCr = false;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLineLength = 64 * 1024,
  ) {}

  push(chunk: Buffer | string): void {
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 10 /* \n */) {
        if (this.lastWasCr && i === start && this.pending === '') {
          // second half of \r\n: the line was already emitted at the \r
          start = i + 1;
          this.lastWasCr = false;
          continue;
        }
        this.emit(text.slice(start, i));
        start = i + 1;
        this.lastWasCr = false;
      } else if (ch === 13 /* \r */) {
        this.emit(text.slice(start, i));
        start = i + 1;
        this.lastWasCr = true;
      } else {
        this.lastWasCr = false;
      }
    }
    this.pending += text.slice(start);
    while (this.pending.length > this.maxLineLength) {
      this.onLine(this.pending.slice(0, this.maxLineLength));
      this.pending = this.pending.slice(this.maxLineLength);
    }
  }

  /** Emits whatever is left (a last line without a newline). */
  end(): void {
    this.pending += this.decoder.end();
    if (this.pending !== '') this.onLine(this.pending);
    this.pending = '';
  }

  private emit(tail: string): void {
    let line = this.pending + tail;
    this.pending = '';
    while (line.length > this.maxLineLength) {
      this.onLine(line.slice(0, this.maxLineLength));
      line = line.slice(this.maxLineLength);
    }
    this.onLine(line);
  }
}
