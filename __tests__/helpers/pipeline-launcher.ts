/**
 * The test helpers bound to the drill's `PipelineLauncher` interface
 * (`scripts/drill/launcher.ts`): the chaos test passes this, and
 * `npm run drill` / `npm run bench:retries` load it at run time.
 */
import type { PipelineLauncher } from '../../scripts/drill/launcher';
import { startLocalSqs } from './local-aws-sqs';
import { ensureBuilt, startService } from './processes';
import { findRedisServerBinary, freeLoopbackPort, startRedisServer } from './redis-server';

export const testLauncher: PipelineLauncher = {
  ensureBuilt,
  startService,
  startRedisServer: () => startRedisServer(),
  startLocalSqs: () => startLocalSqs(),
  redisAvailable() {
    try {
      findRedisServerBinary();
      return true;
    } catch {
      return false;
    }
  },
  freeLoopbackPort,
};
