/**
 * Which instance may write to `_schemas`. Exactly one instance writes; the others forward every
 * write request to it. Leader election lives outside the registry domain; this port is all the
 * registry needs to know of it.
 */

export interface RegistryLeadership {
  /**
   * The base URL (e.g. `http://10.0.0.7:8081`) of the leader when it is another instance;
   * `undefined` when this instance is the leader or runs alone. Throw `UnknownLeaderError`
   * (registry-errors) while no leader is known: writes then answer 50004.
   */
  leaderUrl(): string | undefined;
}

export const REGISTRY_LEADERSHIP = Symbol('REGISTRY_LEADERSHIP');

/** A single registry instance: it is always the leader. */
export class SingleInstanceLeadership implements RegistryLeadership {
  leaderUrl(): undefined {
    return undefined;
  }
}
