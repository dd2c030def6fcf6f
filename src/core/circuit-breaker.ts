import { systemClock, type Clock } from './clock.js';
import { UnavailableError } from './errors.js';

export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Shown in the open-circuit error, e.g. "Stripe API" or a forward URL. */
  name: string;
  /** Consecutive failures that open the circuit. */
  failureThreshold?: number;
  /** How long the circuit stays open before one trial call is let through. */
  resetTimeoutMs?: number;
  clock?: Clock;
}

/** Thrown without calling the target while the circuit is open (exit 4: retrying later may help). */
export class CircuitOpenError extends UnavailableError {
  constructor(name: string, retryInMs: number) {
    super(`${name} is failing repeatedly; not calling it for another ${Math.ceil(retryInMs / 1000)} s`, {
      hint: 'the circuit breaker is open; check the service and try again later',
    }, 'circuit_open');
  }
}

/**
 * Closed: calls pass, consecutive failures are counted. Open: calls fail fast until the reset timeout passes.
 * Half-open: one trial call; its success closes the circuit, its failure opens it again.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private current: CircuitState = 'closed';
  private trialInFlight = false;
  private readonly threshold: number;
  private readonly resetMs: number;
  private readonly clock: Clock;

  constructor(private readonly options: CircuitBreakerOptions) {
    this.threshold = options.failureThreshold ?? 5;
    this.resetMs = options.resetTimeoutMs ?? 30_000;
    this.clock = options.clock ?? systemClock;
  }

  get state(): CircuitState {
    if (this.current === 'open' && this.clock.now() - this.openedAt >= this.resetMs) return 'half-open';
    return this.current;
  }

  /**
   * Runs `fn` through the breaker. `isFailure` decides which errors count against the target (a 4xx is the
   * caller's fault, not the target's, and should not open the circuit).
   */
  run<T>(fn: () => Promise<T>, isFailure: (error: unknown) => boolean = () => true): Promise<T> {
    const state = this.state;
    if (state === 'open' || (state === 'half-open' && this.trialInFlight)) {
      return Promise.reject(new CircuitOpenError(this.options.name, Math.max(0, this.resetMs - (this.clock.now() - this.openedAt))));
    }
    const trial = state === 'half-open';
    if (trial) this.trialInFlight = true;
    let pending: Promise<T>;
    try {
      pending = fn();
    } catch (error) {
      pending = Promise.reject(error);
    }
    // Callbacks rather than an async frame: replay runs thousands of requests a second through here.
    return pending.then(
      (result) => {
        this.failures = 0;
        this.current = 'closed';
        if (trial) this.trialInFlight = false;
        return result;
      },
      (error: unknown) => {
        if (isFailure(error)) this.recordFailure(trial);
        else if (trial) this.current = 'closed';
        if (trial) this.trialInFlight = false;
        throw error;
      },
    );
  }

  /**
   * For a caller that made a call itself, without run, while the circuit was closed: what run would record of its
   * outcome (`error` undefined for a success).
   */
  record(error: unknown, isFailure: (error: unknown) => boolean = () => true): void {
    if (error === undefined) {
      this.failures = 0;
      this.current = 'closed';
    } else if (isFailure(error)) {
      this.recordFailure(false);
    }
  }

  private recordFailure(trial: boolean): void {
    this.failures += 1;
    if (trial || this.failures >= this.threshold) {
      this.current = 'open';
      this.openedAt = this.clock.now();
    }
  }
}
