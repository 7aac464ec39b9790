/** Server entry of data-ingestion: reads the environment, listens, shuts down gracefully. */
import { serve } from '../service-kit/serve';
import { startOrExit } from '../service-kit/start-or-exit';
import { buildConfiguredApp } from './configured-app';
import { readIngestionSettings } from './settings';

startOrExit(async () => {
  const settings = readIngestionSettings(process.env);
  const app = await buildConfiguredApp(settings);
  await serve(app, settings);
});
