import type { Command } from 'commander';
import type { SettingName } from '../../core/config.js';

/** The connection flags every queue verb takes. */
export interface ConnectionFlags {
  connectionString?: string;
  namespace?: string;
}

/** Adds --connection-string and --namespace to a queue verb. */
export function withConnectionOptions(command: Command): Command {
  return command
    .option('--connection-string <cs>', 'Service Bus connection string (also SERVICEBUS_CONNECTION_STRING)')
    .option('--namespace <host>', 'namespace host, e.g. contoso.servicebus.windows.net, signing in with Azure AD');
}

/** The settings those flags set, for createContext. */
export function connectionSettings(opts: ConnectionFlags): Partial<Record<SettingName, string | undefined>> {
  return { serviceBusConnectionString: opts.connectionString, serviceBusNamespace: opts.namespace };
}

/** Help text shared by every queue verb. */
export const ENTITY_HELP = 'a queue name, or topic/subscriptions/<name>';

export const EXIT_CODES_HELP =
  'Exit codes: 0 done (also when the queue is empty), 2 bad flags, input or missing connection, or entity not found,\n' +
  '3 credentials refused, 4 Service Bus unreachable or failing, 130 interrupted after clean-up.';
