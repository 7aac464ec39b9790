/**
 * A development certificate authority for vehicles, kept in one directory
 * (`.dev-pki/` for `npm run vehicle-cert`, a temporary one in tests) and run
 * entirely by the `openssl` CLI (`req`, `ca`): the CA, a server certificate
 * for the local HTTPS front (localhost, 127.0.0.1), one client certificate per
 * vehicle naming it in a URI SAN (`urn:ev:vehicle:<id>`), and a revocation
 * list (CRL). `openssl ca`'s own database (`index.txt`) records what was
 * issued and revoked, so revoking and regenerating the CRL need no state of ours.
 *
 * Not for production: the CA key lies unencrypted next to the certificates
 * (see docs/vehicle-certificates.md for a production CA).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VEHICLE_URI_PREFIX } from '../../contract/vehicle-auth';

/** Where `npm run vehicle-cert` and `npm run dev -- --mtls` keep the development CA (git-ignored). */
export const DEFAULT_DEV_PKI_DIR = join(__dirname, '..', '..', '.dev-pki');

/** Vehicle IDs this CA issues for: they become a URN, a subject CN and file names. */
export const ISSUABLE_VEHICLE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Days a vehicle certificate is valid by default. */
export const DEFAULT_VEHICLE_CERTIFICATE_DAYS = 365;

/** Days the CA certificate is valid. */
const CA_DAYS = 3650;

/** Days until the next CRL is due (`nextUpdate`); regenerate it (revoke does) before then. */
const CRL_DAYS = 30;

/** A bad vehicle ID, a missing CA or a failed `openssl` run. */
export class DevPkiError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DevPkiError';
  }
}

/** When a certificate is valid; both ends given, e.g. a window in the past for an expired certificate. */
export interface ValidityWindow {
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** A vehicle's key and certificate files. */
export interface VehicleFiles {
  readonly certificate: string;
  readonly key: string;
}

/** The openssl configuration of the CA in `dir` (one file, sections per use). */
function opensslConfig(dir: string): string {
  return `# Written by scripts/pki/dev-pki.ts: the development vehicle CA.
[ ca ]
default_ca = vehicle_ca

[ vehicle_ca ]
dir = ${dir}
database = $dir/index.txt
new_certs_dir = $dir/issued
serial = $dir/serial
crlnumber = $dir/crlnumber
certificate = $dir/ca.pem
private_key = $dir/ca.key.pem
default_md = sha256
default_days = ${DEFAULT_VEHICLE_CERTIFICATE_DAYS}
default_crl_days = ${CRL_DAYS}
policy = policy_cn
# A vehicle may be reissued (rotation, after a revocation) under the same name.
unique_subject = no
copy_extensions = none
crl_extensions = crl_ext

[ policy_cn ]
commonName = supplied

[ req ]
distinguished_name = req_dn
prompt = no

[ req_dn ]
CN = EV pipeline development vehicle CA

[ ca_ext ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[ vehicle_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectAltName = URI:${VEHICLE_URI_PREFIX}\${ENV::VEHICLE_ID}
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[ server_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[ crl_ext ]
authorityKeyIdentifier = keyid
`;
}

/** `date` as openssl's `YYYYMMDDHHMMSSZ`. */
function opensslTime(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:T]/g, '')
    .replace(/\.\d{3}/, '');
}

/** The development CA in one directory. */
export class DevPki {
  private constructor(readonly dir: string) {}

  /** The CA certificate (PEM): the trust store's bundle. */
  get caCertificate(): string {
    return join(this.dir, 'ca.pem');
  }

  /** The revocation list (PEM), regenerated on each revocation. */
  get crl(): string {
    return join(this.dir, 'crl.pem');
  }

  /** The local HTTPS front's certificate and key (localhost, 127.0.0.1). */
  get server(): VehicleFiles {
    return { certificate: join(this.dir, 'server.pem'), key: join(this.dir, 'server.key.pem') };
  }

  private get config(): string {
    return join(this.dir, 'openssl.cnf');
  }

  /**
   * Creates the CA, the front's server certificate and an empty CRL in `dir`,
   * or opens the CA already there (a CA is made once: its certificate is what
   * every vehicle certificate and trust store refers to) and regenerates its
   * CRL, since OpenSSL refuses every certificate of a CA whose CRL is past
   * its `nextUpdate`.
   */
  static ensure(dir: string): DevPki {
    const pki = new DevPki(dir);
    if (existsSync(pki.caCertificate)) {
      pki.writeCrl();
      return pki;
    }
    mkdirSync(join(dir, 'issued'), { recursive: true });
    mkdirSync(join(dir, 'vehicles'), { recursive: true });
    writeFileSync(pki.config, opensslConfig(dir));
    writeFileSync(join(dir, 'index.txt'), '');
    writeFileSync(join(dir, 'serial'), '1000\n');
    writeFileSync(join(dir, 'crlnumber'), '1000\n');
    pki.openssl([
      'req', '-x509', '-config', pki.config, '-extensions', 'ca_ext', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256',
      '-noenc', '-keyout', join(dir, 'ca.key.pem'), '-out', pki.caCertificate, '-days', String(CA_DAYS),
    ]); // prettier-ignore
    pki.sign('server', 'localhost', 'server_ext', pki.server);
    pki.writeCrl();
    return pki;
  }

  /** Opens the CA in `dir`; throws when there is none. */
  static open(dir: string): DevPki {
    const pki = new DevPki(dir);
    if (!existsSync(pki.caCertificate)) throw new DevPkiError(`no development CA in ${dir}: run \`npm run vehicle-cert -- ca\` first`);
    return pki;
  }

  /** Where the certificate and key of `vehicleId` are (whether issued or not). */
  vehicle(vehicleId: string): VehicleFiles {
    checkVehicleId(vehicleId);
    return { certificate: join(this.dir, 'vehicles', `${vehicleId}.pem`), key: join(this.dir, 'vehicles', `${vehicleId}.key.pem`) };
  }

  /**
   * Issues a new key and certificate for `vehicleId` (replacing the files of
   * an earlier one, which stays valid until it expires or is revoked), valid
   * for `validity` days from now or in the given window.
   */
  issueVehicle(vehicleId: string, validity: number | ValidityWindow = DEFAULT_VEHICLE_CERTIFICATE_DAYS): VehicleFiles {
    const files = this.vehicle(vehicleId);
    this.sign(vehicleId, vehicleId, 'vehicle_ext', files, validity);
    return files;
  }

  /** Revokes the current certificate of `vehicleId` and regenerates the CRL. */
  revokeVehicle(vehicleId: string): void {
    const files = this.vehicle(vehicleId);
    if (!existsSync(files.certificate)) throw new DevPkiError(`no certificate issued for vehicle ${vehicleId} in ${this.dir}`);
    this.openssl(['ca', '-config', this.config, '-revoke', files.certificate, '-crl_reason', 'keyCompromise']);
    this.writeCrl();
  }

  private sign(
    name: string,
    commonName: string,
    extensions: string,
    files: VehicleFiles,
    validity: number | ValidityWindow = DEFAULT_VEHICLE_CERTIFICATE_DAYS,
  ): void {
    const request = join(this.dir, 'issued', `${name}.csr`);
    this.openssl([
      'req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-noenc',
      '-keyout', files.key, '-out', request, '-subj', `/CN=${commonName}`,
    ]); // prettier-ignore
    const period =
      typeof validity === 'number'
        ? ['-days', String(validity)]
        : ['-startdate', opensslTime(validity.notBefore), '-enddate', opensslTime(validity.notAfter)];
    try {
      this.openssl(
        [
          'ca',
          '-batch',
          '-notext',
          '-config',
          this.config,
          '-extensions',
          extensions,
          ...period,
          '-in',
          request,
          '-out',
          files.certificate,
        ],
        {
          VEHICLE_ID: commonName,
        },
      );
    } finally {
      rmSync(request, { force: true });
    }
  }

  private writeCrl(): void {
    this.openssl(['ca', '-config', this.config, '-gencrl', '-out', this.crl]);
  }

  private openssl(args: readonly string[], env: Record<string, string> = {}): void {
    // `vehicle_ext` reads ENV::VEHICLE_ID even when another section is used: give it a value.
    const result = spawnSync('openssl', args, { encoding: 'utf8', env: { ...process.env, VEHICLE_ID: '-', ...env } });
    if (result.error !== undefined)
      throw new DevPkiError(`openssl could not be run (${result.error.message}); install it (apt-get install openssl)`);
    if (result.status !== 0) throw new DevPkiError(`openssl ${args[0]} failed (exit ${result.status}):\n${result.stderr}`);
  }
}

function checkVehicleId(vehicleId: string): void {
  if (!ISSUABLE_VEHICLE_ID.test(vehicleId)) {
    throw new DevPkiError(
      `vehicle ID ${JSON.stringify(vehicleId)} is not issuable: 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit`,
    );
  }
}
