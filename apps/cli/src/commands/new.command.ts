/**
 * `herald new consumer <name> [--type <event type>] [--reader-version <n>] [--port <n>] [--root <dir>]`:
 * generates a consumer app (see consumer-generator/) and says what to do next. Exit 2 for a bad
 * name or an existing app.
 */
import { Command, InvalidArgumentError } from 'commander';
import { generateConsumer } from '../consumer-generator/consumer-generator';
import { GeneratorUsageError } from '../consumer-generator/consumer-description';

interface NewConsumerOptions {
  type: string;
  readerVersion: number;
  port: number;
  root: string;
}

function integer(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed)) throw new InvalidArgumentError('must be a whole number');
  return parsed;
}

async function newConsumer(name: string, options: NewConsumerOptions): Promise<void> {
  try {
    const { spec, files } = await generateConsumer(options.root, {
      name,
      eventType: options.type,
      version: options.readerVersion,
      port: options.port,
    });
    process.stdout.write(
      `Created ${spec.name}:\n${files.map((f) => `  ${f}`).join('\n')}\n\nNext:\n` +
        `  npx jest apps/${spec.name} --selectProjects unit\n` +
        `  npm run build && node dist/apps/${spec.name}/src/main.js   (port ${spec.port}, group ${spec.name})\n`,
    );
  } catch (error) {
    if (!(error instanceof GeneratorUsageError)) throw error;
    process.stderr.write(`herald new consumer: ${error.message}\n`);
    process.exitCode = 2;
  }
}

export function newCommand(): Command {
  const command = new Command('new').description('generate a new Herald app').exitOverride();
  command
    .command('consumer <name>')
    .description(
      'a consumer app: one module, one @EventPattern handler and its test, registered in nest-cli.json',
    )
    .option('--type <event type>', 'the event type its first handler takes', 'payments.payment.received')
    .option(
      '--reader-version <n>',
      'the version of the event type the handler is written against',
      integer,
      1,
    )
    .option('--port <n>', 'default HTTP port (health, metrics)', integer, 8090)
    .option('--root <dir>', 'the Herald repository root', process.cwd())
    .action(newConsumer);
  return command;
}
