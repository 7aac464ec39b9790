/** Entry point of `npm run redrive`; see `scripts/redrive/redrive-cli.ts`. */
import { processIo } from './cli/run-cli';
import { runRedriveCli } from './redrive/redrive-cli';

void runRedriveCli(process.argv.slice(2), process.env, processIo).then((code) => {
  process.exitCode = code;
});
