import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { toOutgoing } from '../../adapters/queue/message-codec.js';
import { parseMessageLine } from '../../adapters/queue/message-schema.js';
import { resolveQueueConnection, type OutgoingMessage, type PropertyValue, type QueuePort } from '../../adapters/queue/index.js';
import type { Context } from '../../core/context.js';
import { UsageError, isSwitchyardError } from '../../core/errors.js';
import { readStdin } from '../../core/stdin.js';
import { plural, portFor } from './shared.js';

export interface SendInput {
  /** A queue or topic. */
  target: string;
  /** NDJSON in the on-disk format; `-` reads stdin. */
  file?: string;
  /** One message with this body (JSON object or array if it parses as one, else the text as a string). */
  body?: string;
  /** Added to (and overriding) every message's application properties. */
  properties?: Record<string, string>;
  /** For --body only. */
  messageId?: string;
  correlationId?: string;
  contentType?: string;
  subject?: string;
  sessionId?: string;
  port?: QueuePort;
}

export interface SendResult {
  sent: number;
  target: string;
}

/** Messages handed to the sender at a time: the sender batches them by the link's size limit. */
const CHUNK = 500;

/**
 * `queue send`: the whole file is validated before anything is sent (one broken line: exit 2, nothing sent);
 * then it is read again and sent in batches sized by the link.
 */
export async function runSend(ctx: Context, input: SendInput): Promise<SendResult> {
  if ((input.file === undefined) === (input.body === undefined)) {
    throw new UsageError('pass exactly one of --file and --body', { hint: 'e.g. --file drained.ndjson, or --body \'{"order":42}\'' });
  }
  const headerFlags = ['messageId', 'correlationId', 'contentType', 'subject', 'sessionId'] as const;
  if (input.file !== undefined && headerFlags.some((k) => input[k] !== undefined)) {
    throw new UsageError('--message-id, --correlation-id, --content-type, --subject and --session-id go with --body', {
      hint: 'with --file every line carries its own fields',
    });
  }
  if (!input.port) resolveQueueConnection(ctx.config);
  const overrides = input.properties ?? {};
  let source: MessageSource;
  if (input.body !== undefined) {
    source = bodySource(input);
  } else {
    source = await fileSource(ctx, input.file!);
  }
  const total = await source.validate();
  if (total === 0) {
    ctx.out.info(`${source.name} holds no messages: nothing sent`);
    return report(ctx, { sent: 0, target: input.target });
  }
  const { port, owned } = await portFor(ctx, input.port);
  let sent = 0;
  try {
    const sender = await port.openSender(input.target);
    try {
      let chunk: OutgoingMessage[] = [];
      const flush = async () => {
        const base = sent;
        await sender.send(chunk, (accepted) => (sent = base + accepted));
        chunk = [];
      };
      for await (const message of source.messages()) {
        chunk.push(withProperties(message, overrides));
        if (chunk.length >= CHUNK) await flush();
      }
      await flush();
    } finally {
      await sender.close();
    }
  } catch (error) {
    if (sent > 0 && isSwitchyardError(error)) {
      ctx.out.warn(`sent ${sent} of ${total} messages to ${input.target} before this failure; the rest were not sent`);
    }
    throw error;
  } finally {
    if (owned) await port.close();
  }
  ctx.out.info(`sent ${plural(sent, 'message')} to ${input.target}`);
  return report(ctx, { sent, target: input.target });
}

function report(ctx: Context, result: SendResult): SendResult {
  if (ctx.out.json) ctx.out.jsonLine(result);
  return result;
}

function withProperties(message: OutgoingMessage, overrides: Record<string, string>): OutgoingMessage {
  if (Object.keys(overrides).length === 0) return message;
  return { ...message, applicationProperties: { ...(message.applicationProperties ?? {}), ...overrides } as Record<string, PropertyValue> };
}

interface MessageSource {
  name: string;
  /** Checks everything; resolves to the number of messages, or throws a UsageError naming the line. */
  validate(): Promise<number>;
  messages(): AsyncIterable<OutgoingMessage>;
}

function bodySource(input: SendInput): MessageSource {
  const text = input.body!;
  let body: unknown = text;
  let contentType = input.contentType;
  // A JSON object or array is sent as JSON (what JSON consumers expect); anything else as the text itself.
  if (/^\s*[[{]/.test(text)) {
    try {
      body = JSON.parse(text);
      contentType ??= 'application/json';
    } catch {
      body = text;
    }
  }
  const message: OutgoingMessage = { body, messageId: input.messageId ?? randomUUID() };
  if (contentType !== undefined) message.contentType = contentType;
  if (input.correlationId !== undefined) message.correlationId = input.correlationId;
  if (input.subject !== undefined) message.subject = input.subject;
  if (input.sessionId !== undefined) message.sessionId = input.sessionId;
  return {
    name: '--body',
    validate: async () => 1,
    async *messages() {
      yield message;
    },
  };
}

async function fileSource(ctx: Context, file: string): Promise<MessageSource> {
  if (file === '-') {
    // stdin can be read only once: keep its lines for the second pass. Read whole, so that an interrupt before the end sends nothing rather than the first half.
    if (ctx.rt.stdin.isTTY) ctx.out.info('reading NDJSON messages from stdin (end with Ctrl-D)');
    const lines = (await readStdin(ctx.rt)).toString('utf8').split(/\r\n|\n|\r/);
    if (lines.at(-1) === '') lines.pop();
    return linesSource('stdin', async function* () {
      yield* lines;
    });
  }
  const path = isAbsolute(file) ? file : join(ctx.rt.cwd, file);
  try {
    if (!(await stat(path)).isFile()) throw new Error('not a file');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`, { hint: 'pass an NDJSON file written by queue drain' });
  }
  return linesSource(file, () => readLines(createReadStream(path, { encoding: 'utf8' })));
}

function linesSource(name: string, lines: () => AsyncIterable<string>): MessageSource {
  return {
    name,
    async validate() {
      let count = 0;
      let n = 0;
      for await (const line of lines()) {
        n += 1;
        if (line.trim() === '') continue;
        parseMessageLine(line, n, name);
        count += 1;
      }
      return count;
    },
    async *messages() {
      let n = 0;
      for await (const line of lines()) {
        n += 1;
        if (line.trim() === '') continue;
        yield toOutgoing(parseMessageLine(line, n, name));
      }
    },
  };
}

async function* readLines(stream: Readable): AsyncIterable<string> {
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const line of rl) yield line;
  } finally {
    rl.close();
  }
}
