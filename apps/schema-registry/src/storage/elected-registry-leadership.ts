/**
 * The registry domain's leadership port answered by the Kafka leader election: no URL while
 * this instance leads, the leader's URL while another one does, and UnknownLeaderError (Confluent's
 * 50004) in between, e.g. during a rebalance or after this instance lost its lease.
 */
import { UnknownLeaderError, type RegistryLeadership } from '../registry';
import type { RegistryLeaderElection } from './registry-leader-election';

export class ElectedRegistryLeadership implements RegistryLeadership {
  constructor(private readonly election: RegistryLeaderElection) {}

  leaderUrl(): string | undefined {
    if (this.election.isLeader()) return undefined;
    const url = this.election.leaderUrl();
    if (url === undefined) throw new UnknownLeaderError();
    return url;
  }
}
