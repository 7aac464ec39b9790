/** Server entry of data-ingestion: reads the environment, listens, shuts down gracefully. */
import { serve } from '../http/serve';
import { startOrExit } from '../http/start-or-exit';
import { buildApp } from './app';
import { readIngestionSettings } from './settings';

startOrExit(async () => {
  const settings = readIngestionSettings(process.env);
  const app = buildApp(settings);
  await serve(app, settings);
});
