/**
 * A forge refused or did not answer a status: the HTTP status (0 when none came back) and a
 * message that never carries the token. `retryable` says whether trying again later can help.
 */
export class ForgeError extends Error {
  constructor(
    message: string,
    readonly httpStatus: number,
  ) {
    super(message);
  }

  /** Rate limits, server errors and network failures pass; a refused request (4xx) does not. */
  get retryable(): boolean {
    return (
      this.httpStatus === 0 || this.httpStatus === 429 || this.httpStatus >= 500 || this.httpStatus === 403
    );
  }
}

/** The HTTP status of a forge library's rejection: octokit's `status`, gitbeaker's `cause.response`. */
export function httpStatusOf(e: unknown): number {
  const direct = (e as { status?: unknown }).status;
  if (typeof direct === 'number') return direct;
  const nested = (e as { cause?: { response?: { status?: unknown } } }).cause?.response?.status;
  return typeof nested === 'number' ? nested : 0;
}

/** The forge's own words about a rejection: gitbeaker's `cause.description`, else the message. */
export function forgeMessageOf(e: unknown): string {
  const described = (e as { cause?: { description?: unknown } }).cause?.description;
  if (typeof described === 'string') return described;
  return e instanceof Error ? e.message : String(e);
}

/** A forge library's rejection as a {@link ForgeError} (status and the first line of its message). */
export function forgeError(provider: string, e: unknown): ForgeError {
  const status = httpStatusOf(e);
  const first = forgeMessageOf(e).split('\n')[0]!.slice(0, 200);
  return new ForgeError(`${provider}: ${status === 0 ? 'no answer' : `HTTP ${status}`}: ${first}`, status);
}
