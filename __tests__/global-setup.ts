/** Jest global setup: build the services once, before the workers start (see `ensureBuilt`). */
import { ensureBuilt } from '../scripts/launch/service-process';

export default function globalSetup(): void {
  ensureBuilt();
}
