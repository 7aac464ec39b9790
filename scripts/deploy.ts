/** Entry point of `npm run deploy`; see `scripts/deploy/deploy-cli.ts`. */
import { runDeployCli } from './deploy/deploy-cli';

runDeployCli(process.argv.slice(2), {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
}).then((code) => {
  process.exitCode = code;
});
