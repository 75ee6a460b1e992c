/**
 * Jest's asymmetric matchers typed as `unknown` instead of `any`, so specs can use them inside
 * expected objects without defeating the type checker.
 */

export const anyString = (): unknown => expect.any(String) as unknown;

export const stringMatching = (pattern: RegExp): unknown => expect.stringMatching(pattern) as unknown;

export const arrayContaining = (items: readonly unknown[]): unknown =>
  expect.arrayContaining([...items]) as unknown;

export const objectContaining = (shape: Readonly<Record<string, unknown>>): unknown =>
  expect.objectContaining(shape) as unknown;

/** A response with Confluent's error body, exactly `{error_code, message}`, in the registry media type. */
export const confluentError = (status: number, errorCode: number, message: unknown = anyString()): unknown =>
  objectContaining({
    status,
    contentType: stringMatching(/^application\/vnd\.schemaregistry\.v1\+json/),
    body: { error_code: errorCode, message },
  });
