import { Command } from 'commander';
import { describeConfig } from '../core/config.js';
import { createContext, type Context } from '../core/context.js';
import { CheckFailedError } from '../core/errors.js';
import { collect, parseDuration } from '../core/parse.js';
import type { Runtime } from '../core/runtime.js';
import { connectionSettings, withConnectionOptions, type ConnectionFlags } from './queue/options.js';
import { stripeKeySettings, withStripeKeyOptions, type StripeKeyFlags } from './stripe-options.js';
import type { DoctorCheck } from '../doctor/checks.js';

interface DoctorFlags extends ConnectionFlags, StripeKeyFlags {
  entity: string[];
  live?: boolean;
  timeout: string;
  secret?: string;
  provider?: string;
  managementPort?: string;
}

/** Every setting with its source and masked value, then each check; exit 1 when a check failed. */
export async function runDoctor(ctx: Context, input: { entities: string[]; live: boolean; timeoutMs: number }): Promise<DoctorCheck[]> {
  const { nodeCheck, serviceBusChecks, stripeChecks, webhookSecretCheck } = await import('../doctor/checks.js');
  const settings = describeConfig(ctx.config);
  const checks = [
    nodeCheck(),
    ...(await stripeChecks(ctx, input.live, input.timeoutMs)),
    webhookSecretCheck(ctx),
    ...(await serviceBusChecks(ctx, input.entities, input.timeoutMs)),
  ];
  const ok = checks.every((c) => c.status !== 'fail');
  if (ctx.out.json) {
    ctx.out.jsonLine({ ok, configFile: ctx.config.filePath ?? null, profile: ctx.config.profile ?? null, settings, checks });
  } else {
    const c = ctx.out.color;
    ctx.out.line(c.bold('Settings') + (ctx.config.filePath ? `  (config file ${ctx.config.filePath}${ctx.config.profile ? `, profile ${ctx.config.profile}` : ''})` : ''));
    ctx.out.table(['SETTING', 'VALUE', 'SOURCE'], settings.map((s) => [s.env, s.value ?? '-', s.source ?? 'not set']));
    ctx.out.line();
    ctx.out.line(c.bold('Checks'));
    const marks = { ok: c.green('✔'), warn: c.yellow('!'), fail: c.red('✘'), skip: c.dim('-') };
    for (const check of checks) ctx.out.line(`${marks[check.status]} ${check.name.padEnd(24)} ${check.detail}`);
  }
  const failed = checks.filter((c) => c.status === 'fail');
  if (failed.length) throw new CheckFailedError(`${failed.length} doctor check${failed.length > 1 ? 's' : ''} failed: ${failed.map((c) => c.name).join(', ')}`);
  return checks;
}

/** `switchyard doctor`: what switchyard would use, where it came from, and whether it works. */
export function doctorCommand(rt: Runtime): Command {
  return withConnectionOptions(withStripeKeyOptions(new Command('doctor')
    .description('show every setting with its source (secrets masked) and check that each one works')
    .option('--entity <name>', 'a queue or topic/subscriptions/name that must exist (repeatable; checked without creating it)', collect, [])
    .option('--live', 'also call the Stripe API with a live key (a read only)')
    .option('--timeout <duration>', 'deadline for each network check', '15s')
    .option('--secret <secret>', 'webhook secret (SWITCHYARD_WEBHOOK_SECRET)')
    .option('--provider <provider>', 'the provider the webhook secret is for')
    .option('--management-port <port>', "the emulator's management port, for UseDevelopmentEmulator=true (default 5300)")))
    .addHelpText('after', '\nExit codes: 0 all is well (unset settings are skipped), 1 a check failed, 2 bad flags.')
    .action(async (flags: DoctorFlags, command: Command) => {
      const ctx = createContext(rt, command, {
        ...stripeKeySettings(flags),
        webhookSecret: flags.secret,
        webhookProvider: flags.provider,
        ...connectionSettings(flags),
        serviceBusManagementPort: flags.managementPort,
      });
      await runDoctor(ctx, { entities: flags.entity, live: flags.live === true, timeoutMs: parseDuration(flags.timeout, '--timeout') });
    });
}
