/**
 * The `herald` command. Exit codes: 0 ok, 1 the operation failed, 2 usage or environment error.
 */
import { Command, CommanderError } from 'commander';
import { LocalKafkaError } from '@app/local-kafka';
import { ConfigError } from '@app/config';
import { analyticsCommand } from './commands/analytics.command';
import { kafkaCommand } from './commands/kafka.command';
import { keysCommand } from './commands/keys.command';
import { newCommand } from './commands/new.command';
import { publishCommand } from './commands/publish.command';
import { replayCommand } from './commands/replay.command';
import { schemasCommand } from './commands/schemas.command';
import { tailCommand } from './commands/tail.command';
import { upCommand } from './commands/up.command';
import { webhooksCommand } from './commands/webhooks.command';

export function buildProgram(): Command {
  // Positional options: -V/--version belongs to herald itself; publish and tail have their own --version <n>.
  return new Command('herald')
    .description('Herald: a Kafka event bus with a schema registry — operate it from the shell')
    .version('0.1.0')
    .enablePositionalOptions()
    .showHelpAfterError()
    .exitOverride()
    .addCommand(analyticsCommand())
    .addCommand(kafkaCommand())
    .addCommand(keysCommand())
    .addCommand(newCommand())
    .addCommand(publishCommand())
    .addCommand(replayCommand())
    .addCommand(schemasCommand())
    .addCommand(tailCommand())
    .addCommand(upCommand())
    .addCommand(webhooksCommand());
}

async function main(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync([...argv]);
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof LocalKafkaError || error instanceof ConfigError) {
      process.stderr.write(`herald: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(
      `herald: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return 1;
  }
}

void main(process.argv).then((code) => process.exit(code));
