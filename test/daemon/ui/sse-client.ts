/**
 * A small Server-Sent Events client for tests: reads a real HTTP response with fetch and hands
 * out the events (and comment lines) as they arrive, in order.
 */
export interface SseEvent {
  event: string;
  data: string;
  id: string | null;
}

export class SseClient {
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  private readonly controller = new AbortController();
  private waiters: (() => void)[] = [];
  private done: Promise<void> = Promise.resolve();

  static async connect(
    url: string,
    headers: Record<string, string> = {},
  ): Promise<{ client: SseClient; response: Response }> {
    const client = new SseClient();
    const response = await fetch(url, { headers, signal: client.controller.signal });
    if (response.ok && response.body) client.done = client.read(response.body);
    return { client, response };
  }

  /** Waits until `count` events have arrived (bounded by the test's timeout). */
  async next(count: number): Promise<SseEvent[]> {
    while (this.events.length < count) await new Promise<void>((resolve) => this.waiters.push(resolve));
    return this.events.slice(0, count);
  }

  /** Waits until a comment line arrived. */
  async comment(): Promise<string> {
    while (this.comments.length === 0) await new Promise<void>((resolve) => this.waiters.push(resolve));
    return this.comments[0]!;
  }

  async close(): Promise<void> {
    this.controller.abort();
    await this.done.catch(() => undefined);
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of body) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        this.take(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
      }
      const waiters = this.waiters;
      this.waiters = [];
      for (const wake of waiters) wake();
    }
  }

  private take(block: string): void {
    let event = 'message';
    let id: string | null = null;
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
      else if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
      else if (line.startsWith('id: ')) id = line.slice(4);
    }
    if (data.length > 0) this.events.push({ event, data: data.join('\n'), id });
  }
}
