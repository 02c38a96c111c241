/**
 * The simulator's state file (`--state FILE`): account, tasks and clock as JSON, written to a
 * temporary file then renamed (never a half-written file), after changes (debounced) and on close.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { configError } from '../core/errors.js';
import type { SimSnapshot } from './sim-state.js';

/** Debounce delay between a change and the write, in real milliseconds. */
export const SAVE_DEBOUNCE_MS = 200;

/** Reads a state file; null when it does not exist. Throws config-invalid when it is unreadable. */
export function readSnapshot(path: string): SimSnapshot | null {
  if (!existsSync(path)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw configError(
      'config-invalid',
      `simulator state file ${path} is not readable JSON: ${(error as Error).message}`,
    );
  }
  const snapshot = parsed as Partial<SimSnapshot>;
  if (snapshot.formatVersion !== 1 || !Array.isArray(snapshot.servers) || !Array.isArray(snapshot.tasks)) {
    throw configError('config-invalid', `simulator state file ${path} is not a state file of this version`);
  }
  return snapshot as SimSnapshot;
}

/** Writes a state file atomically (temp + rename). */
export function writeSnapshot(path: string, snapshot: SimSnapshot): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(snapshot)}\n`);
  renameSync(temp, path);
}

/** Saves after changes, at most once per {@link SAVE_DEBOUNCE_MS}; `flush` saves now. */
export class DebouncedSaver {
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly path: string,
    private readonly take: () => SimSnapshot,
    /** Told when a scheduled write fails (out of descriptors, disk full); it is tried again later. */
    private readonly onError: (error: Error) => void = (error) =>
      void process.stderr.write(
        `ovh-fleet sim: the state file was not written (will retry): ${error.message}\n`,
      ),
  ) {}

  schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      try {
        writeSnapshot(this.path, this.take());
      } catch (error) {
        // Thrown from a timer it would end the simulator: say it, and try again after the delay.
        this.onError(error as Error);
        this.schedule();
      }
    }, SAVE_DEBOUNCE_MS);
    this.timer.unref();
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    writeSnapshot(this.path, this.take());
  }
}
