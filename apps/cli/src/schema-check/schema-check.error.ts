/**
 * A usage or environment problem that stops `herald schemas check` before it can judge the tree
 * (an unknown git ref, a missing folder, an unsupported --against): exit code 2, unlike findings,
 * which are the check's answer and exit 1.
 */
export class SchemaCheckUsageError extends Error {
  override readonly name = 'SchemaCheckUsageError';
}
