import type { DLogger } from '@dbos-inc/dbos-sdk';
import { describeThrown, getLogger } from '@tinyagent/core/internal';

/** DBOS's log lines through TinyAgent's logger, where registered secrets are redacted. */
export function createDbosLogger(): DLogger {
  const text = (entry: unknown): string => (typeof entry === 'string' ? entry : describeThrown(entry));
  return {
    // DBOS narrates its start-up and recovery at `info`; TinyAgent's logger decides what to show.
    info: (entry) => getLogger().debug(`dbos: ${text(entry)}`),
    debug: (entry) => getLogger().debug(`dbos: ${text(entry)}`),
    warn: (entry) => getLogger().warn(`dbos: ${text(entry)}`),
    error: (entry) => getLogger().error(`dbos: ${text(entry)}`),
  };
}
