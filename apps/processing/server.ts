/** Server entry of data-processing: reads the environment, listens, shuts down gracefully. */
import { serve } from '../service-kit/serve';
import { startOrExit } from '../service-kit/start-or-exit';
import { buildConfiguredApp } from './configured-app';
import { readProcessingSettings } from './settings';

startOrExit(async () => {
  const settings = readProcessingSettings(process.env);
  const app = await buildConfiguredApp(settings);
  await serve(app, settings);
});
