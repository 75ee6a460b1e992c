// The fields event.yaml routes by must exist in every version: the gateway takes the Kafka key from
// `key` and webhooks take the tenant from `tenant`, whatever version a producer publishes. Both become
// strings on the wire (the record key is UTF-8), so only a non-null string is accepted; logical types
// such as uuid annotate a string and are fine.
import type { types } from 'avsc';

import type { EventMetadata, FileProblem } from './catalog.types';

export function routingFieldProblems(
  type: types.RecordType,
  metadata: Pick<EventMetadata, 'key' | 'tenant'>,
): FileProblem[] {
  const roles = [
    { name: metadata.key, role: 'the partition key (event.yaml key)' },
    { name: metadata.tenant, role: 'the tenant (event.yaml tenant)' },
  ];
  return roles.flatMap(({ name, role }): FileProblem[] => {
    const index = type.fields.findIndex((field) => field.name === name);
    const field = type.fields[index];
    if (field === undefined) {
      return [{ pointer: '/fields', message: `no top-level field "${name}", which is ${role}` }];
    }
    if (field.type.typeName !== 'string') {
      const found = JSON.stringify(field.type.schema());
      const message = `field "${name}" is ${role} and must be a string, found ${found}`;
      return [{ pointer: `/fields/${index}/type`, message }];
    }
    return [];
  });
}
