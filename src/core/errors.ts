/** Exit codes of DESIGN.md; the entry point is the only place that turns them into a process exit code. */
export const ExitCode = {
  ok: 0,
  checkFailed: 1,
  usage: 2,
  refused: 3,
  unavailable: 4,
  internal: 70,
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface ErrorDetails {
  /** How the user can fix it; printed after the message. */
  hint?: string;
  /** The underlying error, shown only with --verbose. */
  cause?: unknown;
  /** The provider's request id, shown only with --verbose. */
  requestId?: string;
}

/** Every expected failure: carries its exit code, a stable machine code and a hint. */
export class SwitchyardError extends Error {
  readonly hint?: string;
  readonly requestId?: string;
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    readonly code: string,
    details: ErrorDetails = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.hint = details.hint;
    this.requestId = details.requestId;
  }
}

/** Bad flags, arguments, settings or input files (exit 2). */
export class UsageError extends SwitchyardError {
  constructor(message: string, details?: ErrorDetails) {
    super(message, ExitCode.usage, 'usage', details);
  }
}

/** A setting is missing or invalid (exit 2). */
export class ConfigError extends SwitchyardError {
  constructor(message: string, details?: ErrorDetails) {
    super(message, ExitCode.usage, 'config', details);
  }
}

/** A check the user asked for did not pass: bad signature, non-2xx answer, failed smoke check (exit 1). */
export class CheckFailedError extends SwitchyardError {
  constructor(message: string, details?: ErrorDetails, code = 'check_failed') {
    super(message, ExitCode.checkFailed, code, details);
  }
}

/** The remote service refused our credentials or permissions (exit 3). */
export class AuthError extends SwitchyardError {
  constructor(message: string, details?: ErrorDetails) {
    super(message, ExitCode.refused, 'auth', details);
  }
}

/** The remote service could not be reached or kept failing; retrying later may help (exit 4). */
export class UnavailableError extends SwitchyardError {
  constructor(message: string, details?: ErrorDetails, code = 'unavailable') {
    super(message, ExitCode.unavailable, code, details);
  }
}

/** The user interrupted the command; thrown after clean-up finished (exit 130). */
export class InterruptedError extends SwitchyardError {
  constructor(message = 'interrupted', details?: ErrorDetails) {
    super(message, ExitCode.interrupted, 'interrupted', details);
  }
}

/**
 * The user said no at a confirmation or pressed Ctrl-C at a prompt: nothing was done (exit 130, like any other
 * interruption, so `switchyard … && next-step` stops there). Printed as "cancelled: …", not as an error.
 */
export class CancelledError extends SwitchyardError {
  constructor(message = 'cancelled: nothing was done', details?: ErrorDetails) {
    super(message, ExitCode.interrupted, 'cancelled', details);
  }
}

export function isSwitchyardError(error: unknown): error is SwitchyardError {
  return error instanceof SwitchyardError;
}
