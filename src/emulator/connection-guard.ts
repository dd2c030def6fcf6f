import type net from 'node:net';
import type { Connection } from 'rhea';
import { FrameGuard } from './frame-guard.js';
import { ClientFault, closeAtOnce, interceptInput } from './rhea-internals.js';

/**
 * Whatever one client sends, only its own connection suffers: a bad frame (caught by the frame guard before rhea
 * reads it) or a frame rhea cannot handle (it throws while parsing) closes that connection with an AMQP error
 * naming the fault, and a log line. Frames before the bad one still take effect, in order.
 */
export function guardConnection(connection: Connection, socket: net.Socket, peer: string, log: (line: string) => void): void {
  const guard = new FrameGuard();
  let failed = false;
  const fail = (condition: string, description: string): void => {
    if (failed) return;
    failed = true;
    const sent = closeAtOnce(connection, { condition, description });
    log(`connection from ${peer} ${sent ? 'closed with' : 'dropped on'} ${condition}: ${description}`);
    if (!socket.writableEnded) socket.end();
    // A peer that never answers the close does not keep its socket.
    setTimeout(() => socket.destroy(), 1000).unref();
  };
  interceptInput(connection, (chunk, input) => {
    if (failed) return;
    const problem = guard.scan(chunk);
    if (!problem) return input(chunk);
    if (problem.at > 0) input(chunk.subarray(0, problem.at));
    fail(problem.condition, problem.description);
  });
  // rhea reports what it cannot parse here, then ends the socket itself.
  const onError = (error: Error): void => {
    if (error?.name === 'ConnectionError') return log(`connection from ${peer}: ${error.message}`);
    fail(conditionOf(error), error?.message ?? String(error));
  };
  connection.on('protocol_error', onError as never);
  connection.on('error', onError as never);
}

/** The AMQP error condition for what rhea threw while reading a client's frames. */
export function conditionOf(error: Error | undefined): string {
  if (error instanceof ClientFault) return error.condition;
  const message = error?.message ?? '';
  if (/Invalid handle|transfer after detach/.test(message)) return 'amqp:session:unattached-handle';
  if (/already received|invalid channel|remote channel|frame sequence error|transfer on sending link/i.test(message)) {
    return 'amqp:illegal-state';
  }
  if (error?.name === 'ProtocolError') return 'amqp:connection:framing-error';
  // rhea's own TypeError (a value it cannot decode) is not the built-in one; neither is a RangeError from a short read.
  if ((error?.name === 'TypeError' && !(error instanceof TypeError)) || error instanceof RangeError) return 'amqp:decode-error';
  return 'amqp:internal-error';
}
