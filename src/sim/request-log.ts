/**
 * The bounded log of API requests the simulator received: a ring buffer, so recording is O(1)
 * and memory stays bounded (default 200,000 records, the oldest dropped first).
 */
import type { SimRequestRecord } from './types.js';

/** Default number of records kept. */
export const DEFAULT_REQUEST_LOG_CAPACITY = 200_000;

/** A fixed-capacity log of request records. */
export class RequestLog {
  private readonly items: (SimRequestRecord | undefined)[];
  private start = 0;
  private size = 0;

  constructor(readonly capacity: number = DEFAULT_REQUEST_LOG_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error('request log capacity must be >= 1');
    this.items = new Array<SimRequestRecord | undefined>(capacity);
  }

  add(record: SimRequestRecord): void {
    if (this.size < this.capacity) {
      this.items[(this.start + this.size) % this.capacity] = record;
      this.size++;
    } else {
      this.items[this.start] = record;
      this.start = (this.start + 1) % this.capacity;
    }
  }

  /** Copies of the records, oldest first. */
  list(): SimRequestRecord[] {
    const out: SimRequestRecord[] = [];
    for (let i = 0; i < this.size; i++) {
      const item = this.items[(this.start + i) % this.capacity];
      if (item) out.push({ ...item });
    }
    return out;
  }

  clear(): void {
    this.items.fill(undefined);
    this.start = 0;
    this.size = 0;
  }

  get length(): number {
    return this.size;
  }
}
