/** Jest global setup: build the services once, before the workers start (see `ensureBuilt`). */
import { ensureBuilt } from './helpers/processes';

export default function globalSetup(): void {
  ensureBuilt();
}
