// Compile-time contract of `publish`/`publishBatch`. The calls never run: the test at the bottom
// compiles this very file with the TypeScript compiler and the repository's settings, so every
// valid call must type-check and every `@ts-expect-error` must really be an error (an unused one
// is error TS2578) under `npm test` as under `npm run lint`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { HeraldClient } from './herald-client';

const payment = {
  payment_id: '0195f3c2-7a51-7cc2-9c1e-1f2a3b4c5d6e',
  merchant_id: 'm',
  amount_minor: 1250,
  currency: 'EUR',
  method: 'CARD',
  received_at: '2026-11-26T10:15:00Z',
} as const;

function typedCalls(client: HeraldClient): void {
  void client.publish('payments.payment.received', { ...payment, fee_minor: 30, card: null });
  void client.publish('payments.payment.received', payment, { version: 1, key: 'k', time: new Date() });
  // @ts-expect-error DIRECT_DEBIT only exists from version 2 on
  void client.publish('payments.payment.received', { ...payment, method: 'DIRECT_DEBIT' }, { version: 1 });
  // @ts-expect-error fee_minor is a version 2 field
  void client.publish('payments.payment.received', { ...payment, fee_minor: 1 }, { version: 1 });
  // @ts-expect-error version 3 does not exist
  void client.publish('payments.payment.received', payment, { version: 3 });
  // @ts-expect-error unknown event type
  void client.publish('payments.payment.refunded', payment);
  // @ts-expect-error a required field is missing
  void client.publish('payments.payment.received', { merchant_id: 'm' });
  // @ts-expect-error an unknown field
  void client.publish('payments.payment.received', { ...payment, amount: 1 });
  // @ts-expect-error a long is a number or a string, never a boolean
  void client.publish('payments.payment.received', { ...payment, amount_minor: true });
  void client.publishBatch([
    { type: 'payments.payment.received', data: payment },
    { type: 'payments.payment.received', version: 1, data: payment, id: 'x' },
  ]);
  // @ts-expect-error the batch entry's data does not match its type
  void client.publishBatch([{ type: 'users.user.registered', data: payment }]);
  void client.publishRaw('anything.at.all', { free: 'form' });
}

/** Parsed declaration and source files, shared by the compilations below (only this file changes). */
const parsed = new Map<string, ts.SourceFile>();

/** Compiles this file (with `text` in its place, when given) and returns its error messages. */
function compileThisFile(text?: string): string[] {
  const root = join(__dirname, '..', '..', '..');
  const config = ts.readConfigFile(join(root, 'tsconfig.json'), (path) => ts.sys.readFile(path));
  const settings = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  const options = { ...settings.options, noEmit: true, incremental: false };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (path, target, onError) => {
    if (path === __filename && text !== undefined) return ts.createSourceFile(path, text, target, true);
    let file = parsed.get(path);
    if (file === undefined) {
      file = getSourceFile(path, target, onError);
      if (file !== undefined) parsed.set(path, file);
    }
    return file;
  };
  const program = ts.createProgram([__filename], options, host);
  const self = program.getSourceFile(__filename);
  return ts
    .getPreEmitDiagnostics(program, self)
    .map((d) => `TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

describe('publish typing', () => {
  const source = readFileSync(__filename, 'utf8');

  it('compiles: the valid calls type-check and every @ts-expect-error marks a real error', () => {
    expect(compileThisFile()).toEqual([]);
    expect(source.match(/^ {2}\/\/ @ts-expect-error /gm)?.length).toBeGreaterThanOrEqual(8);
    expect(typeof typedCalls).toBe('function');
  });

  it('would fail if a @ts-expect-error became unused, or an expected error went unmarked', () => {
    const valid = "  void client.publishRaw('anything.at.all', { free: 'form' });";
    const unused = source.replace(valid, `  // @ts-expect-error not an error\n${valid}`);
    expect(unused).not.toBe(source);
    expect(compileThisFile(unused)).toEqual(["TS2578 Unused '@ts-expect-error' directive."]);
    const unmarked = source.replace('  // @ts-expect-error version 3 does not exist\n', '');
    expect(unmarked).not.toBe(source);
    expect(compileThisFile(unmarked)).toHaveLength(1);
  });
});
