/**
 * `npm run vehicle-cert -- <command>`: the development vehicle CA (openssl),
 * in `.dev-pki/` (git-ignored; `--dir` elsewhere).
 *
 *   ca                          make the CA, the local front's server certificate and an empty CRL (once; kept if present)
 *   issue <vehicle-id> [--days N]  a key and certificate for the vehicle (URI SAN urn:ev:vehicle:<id>), valid N days (365)
 *   revoke <vehicle-id>         revoke the vehicle's current certificate and regenerate the CRL
 *
 * See docs/vehicle-certificates.md.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_DEV_PKI_DIR, DEFAULT_VEHICLE_CERTIFICATE_DAYS, DevPki, DevPkiError } from './pki/dev-pki';

const USAGE = 'usage: npm run vehicle-cert -- ca | issue <vehicle-id> [--days N] | revoke <vehicle-id>   [--dir DIR]';

function main(): void {
  const { values, positionals } = parseArgs({
    options: { dir: { type: 'string', default: DEFAULT_DEV_PKI_DIR }, days: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const [command, vehicleId, ...extra] = positionals;
  const needsVehicle = command === 'issue' || command === 'revoke';
  if (
    !['ca', 'issue', 'revoke'].includes(command ?? '') ||
    (needsVehicle ? vehicleId === undefined : vehicleId !== undefined) ||
    extra.length > 0
  ) {
    throw new DevPkiError(USAGE);
  }
  const days = values.days === undefined ? DEFAULT_VEHICLE_CERTIFICATE_DAYS : Number(values.days);
  if (!Number.isSafeInteger(days) || days < 1 || days > 3650)
    throw new DevPkiError(`--days ${values.days}: expected an integer from 1 to 3650`);
  if (command === 'ca') {
    const pki = DevPki.ensure(values.dir);
    process.stdout.write(`CA certificate (the trust store's bundle): ${pki.caCertificate}\nrevocation list: ${pki.crl}\n`);
    process.stdout.write(`local front's certificate (localhost, 127.0.0.1): ${pki.server.certificate}\n`);
    return;
  }
  const pki = DevPki.open(values.dir);
  if (command === 'issue') {
    const files = pki.issueVehicle(vehicleId, days);
    process.stdout.write(`vehicle ${vehicleId}: certificate ${files.certificate}, key ${files.key} (valid ${days} days)\n`);
    return;
  }
  pki.revokeVehicle(vehicleId);
  process.stdout.write(`vehicle ${vehicleId}: certificate revoked; revocation list ${pki.crl} regenerated\n`);
}

try {
  main();
} catch (error) {
  const badArguments = (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS') === true;
  if (!(error instanceof DevPkiError) && !badArguments) throw error;
  process.stderr.write(`vehicle-cert: ${(error as Error).message}\n${badArguments ? `${USAGE}\n` : ''}`);
  process.exit(2);
}
