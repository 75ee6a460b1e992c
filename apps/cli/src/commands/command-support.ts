/**
 * What the commands share: running an action so that a UsageError (../usage-error.ts) exits 2
 * (other failures exit 1), and a stdout write that waits (main exits the process right after an
 * action). No heavy imports here: every command loads it at start-up.
 */
import { UsageError } from '../usage-error';

export function writeOut(text: string): Promise<void> {
  return new Promise((resolve, reject) =>
    process.stdout.write(text, (error) => (error ? reject(error) : resolve())),
  );
}

/** Runs an action; a UsageError prints `herald <command>: message` and sets exit code 2. */
export async function runAction(command: string, action: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await action();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`herald ${command}: ${error.message}\n`);
    process.exitCode = 2;
  }
}
