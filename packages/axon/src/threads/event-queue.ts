// A push-to-pull queue: a producer pushes events, one consumer iterates them.
export class EventQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private waiting: (() => void) | undefined;
  private ended = false;
  private error: unknown;
  private failed = false;

  constructor(private readonly onReturn: () => void = () => {}) {}

  push(item: T): void {
    this.items.push(item);
    this.wake();
  }

  end(): void {
    this.ended = true;
    this.wake();
  }

  fail(error: unknown): void {
    this.failed = true;
    this.error = error;
    this.wake();
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    let done = false;
    try {
      for (;;) {
        const item = this.items.shift();
        if (item !== undefined) {
          yield item;
          continue;
        }
        if (this.failed) throw this.error;
        if (this.ended) {
          done = true;
          return;
        }
        await new Promise<void>((resolve) => {
          this.waiting = resolve;
        });
      }
    } finally {
      // Left early (break, or the consumer threw): the producer is told, as `for await` over a run cancels it.
      if (!done && !this.failed) this.onReturn();
    }
  }
}
