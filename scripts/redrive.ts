/** Entry point of `npm run redrive`; see `scripts/redrive/redrive-cli.ts`. */
import { runRedriveCli } from './redrive/redrive-cli';

runRedriveCli(process.argv.slice(2), process.env, {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
}).then((code) => {
  process.exitCode = code;
});
