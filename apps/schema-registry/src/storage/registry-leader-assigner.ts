/**
 * The group protocol of the registry leader election: a kafkajs partition assigner that hands
 * the election topic's single partition to exactly one member, and the codec of what members
 * publish in their group metadata (their advertised URL, whether they lead right now).
 *
 * The group coordinator guarantees one assignment per generation, so "holds partition 0" is a
 * leadership no two members share. The incumbent keeps the partition when others join or
 * leave, because every move is a short write outage plus a catch-up on the new leader; among
 * equals the lowest URL (then member id) wins, so every assigner decides alike.
 */
import { AssignerProtocol, type GroupDescription, type PartitionAssigner } from 'kafkajs';

export const REGISTRY_LEADER_PROTOCOL = 'HeraldRegistryLeader';
const PROTOCOL_VERSION = 0;

/** What each member publishes in the group; any member can read it through DescribeGroups. */
export interface LeaderCandidate {
  readonly url: string;
  /** Led with a live lease when this rebalance began. */
  readonly incumbent: boolean;
}

function decodeCandidate(memberMetadata: Buffer): LeaderCandidate | undefined {
  try {
    const { userData } = AssignerProtocol.MemberMetadata.decode(memberMetadata) ?? {};
    const parsed = JSON.parse(userData?.toString('utf8') ?? '') as Partial<LeaderCandidate>;
    if (typeof parsed.url !== 'string') return undefined;
    return { url: parsed.url, incumbent: parsed.incumbent === true };
  } catch {
    return undefined;
  }
}

interface Member {
  readonly memberId: string;
  readonly candidate: LeaderCandidate;
}

/** The member id to lead, or undefined when no member published a readable candidacy. */
export function chooseLeader(members: readonly Member[]): string | undefined {
  const incumbents = members.filter((m) => m.candidate.incumbent);
  const pool = incumbents.length > 0 ? incumbents : members;
  const rank = (m: Member): string => `${m.candidate.url}\u0000${m.memberId}`;
  // Code-unit order, not localeCompare: the choice must not depend on the assigner's locale.
  const sorted = [...pool].sort((a, b) => (rank(a) < rank(b) ? -1 : rank(a) > rank(b) ? 1 : 0));
  return sorted[0]?.memberId;
}

export function registryLeaderAssigner(topic: string, self: () => LeaderCandidate): PartitionAssigner {
  return () => ({
    name: REGISTRY_LEADER_PROTOCOL,
    version: PROTOCOL_VERSION,
    async assign({ members }) {
      const candidates = members.flatMap(({ memberId, memberMetadata }) => {
        const candidate = decodeCandidate(memberMetadata);
        return candidate ? [{ memberId, candidate }] : [];
      });
      const leader = chooseLeader(candidates);
      return members.map(({ memberId }) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: PROTOCOL_VERSION,
          assignment: memberId === leader ? { [topic]: [0] } : {},
          userData: Buffer.alloc(0),
        }),
      }));
    },
    protocol({ topics }) {
      return {
        name: REGISTRY_LEADER_PROTOCOL,
        metadata: AssignerProtocol.MemberMetadata.encode({
          version: PROTOCOL_VERSION,
          topics,
          userData: Buffer.from(JSON.stringify(self()), 'utf8'),
        }),
      };
    },
  });
}

/** The leader's URL as the coordinator reports the group; undefined mid-rebalance or leaderless. */
export function leaderUrlOf(group: GroupDescription, topic: string): string | undefined {
  if (group.state !== 'Stable') return undefined;
  for (const member of group.members) {
    const assignment = AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
    if (assignment?.assignment[topic]?.includes(0)) return decodeCandidate(member.memberMetadata)?.url;
  }
  return undefined;
}
