/** Server entry of data-processing: reads the environment, listens, shuts down gracefully. */
import { serve } from '../http/serve';
import { startOrExit } from '../http/start-or-exit';
import { buildApp } from './app';
import { readProcessingSettings } from './settings';

startOrExit(async () => {
  const settings = readProcessingSettings(process.env);
  const app = buildApp(settings);
  await serve(app, settings);
});
