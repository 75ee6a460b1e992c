/**
 * TypeScript names for generated code: file and type names derived from event type names, and
 * the names of the named Avro types inside one version module. Names must be stable across runs
 * (committed files are compared byte for byte) and must never collide inside a module.
 */
import type { AvroNode, NamedNode } from '@app/schema';

/** The namespace import every version module uses for the JSON scalar aliases. */
export const SCALARS_NAMESPACE = 'AvroJson';

/** `payments.payment.received` → `PaymentReceived` (entity and verb; the domain is the folder). */
export function typeBaseName(eventType: string): string {
  const [, entity = '', verb = ''] = eventType.split('.');
  return pascalCase(`${entity}-${verb}`);
}

/** `payments.payment.received`, 2 → `payments/payment-received.v2.ts`. */
export function versionModulePath(eventType: string, version: number): string {
  const [domain = '', entity = '', verb = ''] = eventType.split('.');
  return `${domain}/${`${entity}-${verb}`.replace(/_/g, '-')}.v${version}.ts`;
}

export function pascalCase(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part !== '')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** Every named type reachable from `root`, each once, in depth-first order of first appearance. */
export function namedTypesOf(root: AvroNode): NamedNode[] {
  const found: NamedNode[] = [];
  const seen = new Set<AvroNode>();
  const visit = (node: AvroNode): void => {
    if (seen.has(node)) return;
    seen.add(node);
    switch (node.kind) {
      case 'record':
        found.push(node);
        node.fields.forEach((field) => visit(field.node));
        return;
      case 'enum':
      case 'fixed':
        found.push(node);
        return;
      case 'array':
        return visit(node.items);
      case 'map':
        return visit(node.values);
      case 'union':
        return node.branches.forEach((branch) => visit(branch.node));
    }
  };
  visit(root);
  return found;
}

/**
 * Names the named types of one module: the root record takes `rootName` (e.g. `PaymentReceivedV2`),
 * the others their Avro short name, or their PascalCased full name when two short names (or a
 * name and another's `…Input` companion) would collide.
 */
export function assignTypeNames(
  named: readonly NamedNode[],
  root: AvroNode,
  rootName: string,
): Map<NamedNode, string> {
  const preferred = named.map((node) =>
    node === root ? rootName : (node.fullName.split('.').pop() ?? node.fullName),
  );
  const taken = (name: string, index: number): boolean =>
    preferred.some(
      (other, j) => j !== index && (other === name || other === `${name}Input` || `${other}Input` === name),
    ) || name === SCALARS_NAMESPACE;
  const names = new Map<NamedNode, string>();
  named.forEach((node, index) => {
    const short = preferred[index] ?? rootName;
    names.set(node, taken(short, index) && node !== root ? pascalCase(node.fullName) : short);
  });
  const all = [...names.values()].flatMap((name) => [name, `${name}Input`]);
  const duplicate = all.find((name, index) => all.indexOf(name) !== index);
  if (duplicate !== undefined) throw new Error(`two named types would both be called ${duplicate}`);
  return names;
}
