/**
 * Runs this instance's part in the Kafka leader election for as long as the app runs: joins at
 * bootstrap (retrying, so a broker that is briefly away does not leave the instance outside the
 * election for good) and steps down first at shutdown, so another instance can lead at once.
 */
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { HealthRegistry } from '@app/platform';
import { RegistryLeaderElection } from './storage/registry-leader-election';

const RETRY_MS = 2_000;

@Injectable()
export class RegistryElectionLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('RegistryElection');
  private stopped = false;

  constructor(
    private readonly election: RegistryLeaderElection,
    private readonly health: HealthRegistry,
  ) {}

  onApplicationBootstrap(): void {
    // Ready only once this instance can place a write: as the leader, or knowing whom to forward to.
    this.health.register({
      name: 'leader-election',
      check: async () => {
        if (!this.election.isLeader() && this.election.leaderUrl() === undefined) {
          throw new Error('no leader known yet');
        }
      },
    });
    this.election.onChange(({ isLeader, leaderUrl }) =>
      this.logger.log(
        isLeader ? 'this instance leads: writes are served here' : `following ${leaderUrl ?? 'nobody yet'}`,
      ),
    );
    void this.join();
  }

  private async join(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.election.start();
        return;
      } catch (error) {
        this.logger.warn(`joining the leader election failed, retrying: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.election.stop();
  }
}
