/**
 * Incremental parser for a `text/event-stream` body: feed it decoded text as it arrives and it
 * returns the `data` of every event completed so far. Comment lines (sse-starlette's pings start
 * with `:`) and fields other than `data` are ignored; several `data` lines join with newlines.
 */
export class SseParser {
  private buffer = '';
  private data: string[] = [];

  push(text: string): string[] {
    this.buffer += text;
    const events: string[] = [];
    for (;;) {
      const newline = this.buffer.search(/\r\n|\r|\n/);
      if (newline < 0) {
        break;
      }
      const line = this.buffer.slice(0, newline);
      const breakLength = this.buffer.startsWith('\r\n', newline) ? 2 : 1;
      // A lone \r at the end of the buffer may be the first half of \r\n: wait for more text.
      if (
        breakLength === 1 &&
        this.buffer[newline] === '\r' &&
        newline === this.buffer.length - 1
      ) {
        break;
      }
      this.buffer = this.buffer.slice(newline + breakLength);

      if (line === '') {
        if (this.data.length > 0) {
          events.push(this.data.join('\n'));
          this.data = [];
        }
        continue;
      }
      if (line.startsWith(':')) {
        continue;
      }
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) {
        value = value.slice(1);
      }
      if (field === 'data') {
        this.data.push(value);
      }
    }
    return events;
  }

  /** Returns the last event when the stream ends without the blank line that closes it. */
  end(): string[] {
    const rest = this.push('\n\n');
    this.buffer = '';
    return rest;
  }
}
