/**
 * Checks an app's OpenAPI document as the tools that read it do: against the OpenAPI
 * specification with a real validator (@readme/openapi-parser: the spec's JSON Schema plus its
 * rules on parameters, operation ids and security schemes), and for what no schema can see, every
 * security requirement naming a scheme the document declares (an undeclared one leaves Swagger
 * UI without Authorize, and "Try it out" gets 401).
 */

interface Operation {
  readonly security?: readonly Readonly<Record<string, unknown>>[];
}

interface Document {
  readonly security?: readonly Readonly<Record<string, unknown>>[];
  readonly paths?: Readonly<Record<string, Readonly<Record<string, Operation>>>>;
  readonly components?: { readonly securitySchemes?: Readonly<Record<string, unknown>> };
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/** Every problem with the document, as readable lines; empty when it is valid. */
export async function openApiProblems(document: unknown): Promise<string[]> {
  // Loaded here: only the tests that check a document pay for the validator.
  const { validate } = await import('@readme/openapi-parser');
  // The validator dereferences $refs in the object it is given; the caller's stays as it was.
  const result = await validate(structuredClone(document) as Parameters<typeof validate>[0]);
  const invalid = result.valid ? [] : result.errors.map((error) => error.message);
  return [...invalid, ...undeclaredSchemes(document as Document)];
}

function undeclaredSchemes(document: Document): string[] {
  const declared = new Set(Object.keys(document.components?.securitySchemes ?? {}));
  const uses: { where: string; names: string[] }[] = [
    { where: 'the document', names: (document.security ?? []).flatMap((r) => Object.keys(r)) },
  ];
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(item)) {
      if (!METHODS.has(method)) continue;
      uses.push({
        where: `${method.toUpperCase()} ${path}`,
        names: (operation.security ?? []).flatMap((r) => Object.keys(r)),
      });
    }
  }
  return uses.flatMap(({ where, names }) =>
    names
      .filter((name) => !declared.has(name))
      .map(
        (name) =>
          `${where} requires security scheme "${name}", which components.securitySchemes does not declare`,
      ),
  );
}
