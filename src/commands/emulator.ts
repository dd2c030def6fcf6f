import { Command } from 'commander';
import { ConfigError, InterruptedError } from '../core/errors.js';
import type { GlobalFlags } from '../core/context.js';
import { Output } from '../core/output.js';
import { checkOutputPath } from '../core/output-path.js';
import { parseDuration, parseInteger } from '../core/parse.js';
import type { Runtime } from '../core/runtime.js';

const HELP = `
Prints its connection string on stdout (with --json: {"connectionString","host","port","managementPort"}) and
serves until Ctrl-C. A second port serves Service Bus's HTTP management API (ATOM, plain HTTP) for
ServiceBusAdministrationClient and \`queue list\`: 5300 by default, as Microsoft's emulator. Without --shared-access-key any SAS key is taken; with it, a client must present a token signed with
that key (and --shared-access-key-name), or it is refused as Service Bus refuses it (UnauthorizedAccess).
Without --config, queues are created when first used and a topic when a receiver first opens one of its
subscriptions; with --config, other entities are refused (MessagingEntityNotFound).
--config also accepts the Config.json of Microsoft's Docker emulator. Queues and subscriptions declared with
"requiresSession": true take session receivers only (acceptSession, acceptNextSession).

Examples:
  switchyard emulator --port 0
  SERVICEBUS_CONNECTION_STRING='<the printed line>' switchyard queue peek orders
  switchyard emulator --config fixtures/servicebus/emulator-entities.json --data ./.emulator-data
  switchyard emulator --shared-access-key "$(openssl rand -base64 32)"

Exit codes: 130 after Ctrl-C (connections closed, data log flushed), 2 bad flag, bad config or port in use.`;

/** Where Microsoft's emulator serves its management API; switchyard's adapter looks there unless told otherwise. */
const DEFAULT_MANAGEMENT_PORT = 5300;

interface EmulatorFlags {
  host: string;
  port: string;
  config?: string;
  lockDuration: string;
  maxDeliveryCount: string;
  data?: string;
  sharedAccessKey?: string;
  sharedAccessKeyName: string;
  managementPort?: string;
}

/** `switchyard emulator`: a local Service Bus-compatible AMQP broker. */
export function emulatorCommand(rt: Runtime): Command {
  return new Command('emulator')
    .description('run a local Service Bus-compatible broker (AMQP 1.0) that @azure/service-bus uses unchanged')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--port <port>', 'TCP port (0 = any free port)', '5672')
    .option('--config <file>', 'entities.json declaring queues, topics and subscriptions')
    .option('--lock-duration <duration>', 'peek-lock duration of entities that do not set one', '60s')
    .option('--max-delivery-count <n>', 'deliveries before a message is dead-lettered, unless the entity sets it', '10')
    .option('--data <dir>', 'keep messages in an append-only log in <dir>, so they survive a restart')
    .option('--shared-access-key <key>', 'refuse clients whose SAS token is not signed with this key')
    .option('--shared-access-key-name <name>', 'the name of that key', 'local')
    .option('--management-port <port>', 'port of the HTTP management API (default 5300 as Microsoft\'s emulator, any free port with --port 0)')
    .addHelpText('after', HELP)
    .action(async (opts: EmulatorFlags, cmd: Command) => {
      // The root program also has --config and takes the value wherever it appears; here it names entities.json.
      const globals = cmd.optsWithGlobals<GlobalFlags & EmulatorFlags>();
      await runEmulator(rt, new Output(rt, globals), { ...opts, config: opts.config ?? globals.config });
    });
}

/** Starts the emulator, reports where it listens, and serves until the interrupt signal. */
export async function runEmulator(rt: Runtime, out: Output, flags: EmulatorFlags): Promise<void> {
  const port = parseInteger(flags.port, '--port', 0, 65535);
  const managementPort =
    flags.managementPort === undefined ? (port === 0 ? 0 : DEFAULT_MANAGEMENT_PORT) : parseInteger(flags.managementPort, '--management-port', 0, 65535);
  const lockDurationMs = parseDuration(flags.lockDuration, '--lock-duration');
  if (lockDurationMs <= 0) throw new ConfigError('--lock-duration must be longer than 0');
  const maxDeliveryCount = parseInteger(flags.maxDeliveryCount, '--max-delivery-count', 1, 1_000_000);
  const dataDir = flags.data === undefined ? undefined : checkOutputPath(flags.data, '--data', { kind: 'dir', cwd: rt.cwd });
  // Loaded here, so that --help and the other commands never load rhea.
  const { startEmulator, EmulatorConfigError } = await import('../emulator/index.js');
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  try {
    emulator = await startEmulator({
      host: flags.host,
      port,
      config: flags.config,
      lockDurationMs,
      maxDeliveryCount,
      dataDir,
      sharedAccessKey: flags.sharedAccessKey === undefined ? undefined : { name: flags.sharedAccessKeyName, key: flags.sharedAccessKey },
      log: (line) => out.debug(line),
      managementPort,
    });
  } catch (error) {
    if (error instanceof EmulatorConfigError) {
      throw new ConfigError(error.message, { hint: 'see "Local Service Bus emulator" in the README for the format' });
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      const which = (error as { port?: number }).port === managementPort && managementPort !== port ? `management port ${managementPort}` : `port ${port}`;
      throw new ConfigError(`${which} on ${flags.host} is already in use`, { hint: 'pass --port 0 (and --management-port 0) for free ports', cause: error });
    }
    if (code === 'EACCES' || code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
      throw new ConfigError(`cannot listen on ${flags.host}:${port} (${code})`, { hint: 'check --host and --port', cause: error });
    }
    throw error;
  }
  if (out.json) {
    out.jsonLine({ connectionString: emulator.connectionString, host: emulator.host, port: emulator.port, managementPort: emulator.managementPort });
  }
  else out.line(emulator.connectionString);
  const entities = flags.config ? `entities from ${flags.config}` : 'queues created on first use';
  const data = flags.data ? `, messages kept in ${flags.data}` : ', messages in memory only';
  const keys = flags.sharedAccessKey === undefined ? ', any key' : `, only key ${flags.sharedAccessKeyName}`;
  out.info(`Ready: Service Bus emulator on ${emulator.host}:${emulator.port} (${entities}${data}${keys}). Ctrl-C to stop.`);
  const portNote = emulator.managementPort === DEFAULT_MANAGEMENT_PORT ? '' : ` (set SERVICEBUS_MANAGEMENT_PORT=${emulator.managementPort} for queue list)`;
  out.info(`Management API (ServiceBusAdministrationClient, plain HTTP) on ${emulator.host}:${emulator.managementPort}${portNote}.`);
  await new Promise<void>((resolve) => {
    if (rt.signal.aborted) return resolve();
    rt.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await emulator.close();
  throw new InterruptedError();
}
