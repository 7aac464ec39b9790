/** Entry point of `npm run diagram`; see `scripts/diagram/diagram-cli.ts`. */
import { resolve } from 'node:path';
import { main } from './cli/run-cli';
import { diagramCli } from './diagram/diagram-cli';

main(diagramCli(resolve(__dirname, '..')));
