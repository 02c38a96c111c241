/**
 * Errors ovh-fleet raises itself. The stable code lives in `.code` (listed in the registry and in
 * docs/errors.md), never inside the message text. `exitCode` is what the CLI exits with when the
 * error reaches its boundary.
 */
import { describeCode, type ErrorCode } from './codes/registry.js';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_PLAN_HAS_CHANGES = 2;
export const EXIT_USAGE = 64;

export class FleetError extends Error {
  override readonly name = 'FleetError';
  readonly code: ErrorCode;
  readonly exitCode: number;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: ErrorCode,
    message: string,
    options: { exitCode?: number; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.exitCode = options.exitCode ?? describeCode(code).exitCode;
    this.details = options.details ?? {};
  }
}

/** A configuration or usage mistake: exit 64. */
export function configError(code: ErrorCode, message: string, details?: Record<string, unknown>): FleetError {
  return new FleetError(code, message, { exitCode: EXIT_USAGE, ...(details ? { details } : {}) });
}
