import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Duration } from '../../../modules/core/duration';
import type { FrontDoorProps } from '../../../modules/front-door/front-door';
import { FrontDoorCertificate } from '../../../modules/front-door/front-door-certificate';
import { PemObject } from '../../../modules/front-door/pem-object';

/** A certificate authority made with openssl for one test file: its PEM certificate and an (empty) PEM revocation list. */
export interface TestCa {
  readonly dir: string;
  readonly caPem: string;
  readonly crlPem: string;
  /** A client (leaf) certificate the CA issued, with basic constraints CA:FALSE. */
  readonly leafPem: string;
  readonly remove: () => void;
}

function openssl(args: readonly string[], cwd: string): void {
  const result = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`openssl ${args.join(' ')} exited ${result.status}\n${result.stderr}`);
}

/** Makes a throwaway CA (a self-signed certificate and a CRL signed by it) in a temporary directory. */
export function makeTestCa(): TestCa {
  const dir = mkdtempSync(join(tmpdir(), 'front-door-ca-'));
  openssl(
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '30', '-subj', '/CN=Test Vehicle CA'],
    dir,
  );
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'crlnumber'), '01\n');
  writeFileSync(
    join(dir, 'ca.cnf'),
    [
      '[ ca ]',
      'default_ca = test',
      '[ test ]',
      `database = ${join(dir, 'index.txt')}`,
      `crlnumber = ${join(dir, 'crlnumber')}`,
      'default_md = sha256',
      'default_crl_days = 30',
      '',
    ].join('\n'),
  );
  openssl(['ca', '-config', 'ca.cnf', '-gencrl', '-keyfile', 'ca.key', '-cert', 'ca.pem', '-out', 'crl.pem'], dir);
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=VIN0000000000001'], dir);
  writeFileSync(join(dir, 'leaf.ext'), 'basicConstraints=critical,CA:FALSE\nextendedKeyUsage=clientAuth\n');
  openssl(
    [
      'x509',
      '-req',
      '-in',
      'leaf.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '30',
      '-extfile',
      'leaf.ext',
      '-out',
      'leaf.pem',
    ],
    dir,
  );
  return {
    dir,
    caPem: join(dir, 'ca.pem'),
    crlPem: join(dir, 'crl.pem'),
    leafPem: join(dir, 'leaf.pem'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A certificate ARN of the test account. */
export const CERTIFICATE_ARN = 'arn:aws:acm:ap-northeast-1:111122223333:certificate/11111111-2222-3333-4444-555555555555';

/** Props of a front door with an existing certificate and a CA bundle already in S3; `overrides` replace top-level props. */
export function frontDoorProps(overrides: Partial<FrontDoorProps> = {}): FrontDoorProps {
  return {
    name: 'ingest',
    vpcId: 'vpc-0123456789abcdef0',
    publicSubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
    region: 'ap-northeast-1',
    certificate: FrontDoorCertificate.fromArn(CERTIFICATE_ARN),
    mutualTls: { caBundle: PemObject.fromBucket({ bucketName: 'vehicle-pki', key: 'ca/bundle.pem' }) },
    target: { port: 3000, longestAnswer: Duration.seconds(30), keepAliveTimeout: Duration.seconds(65) },
    ...overrides,
  };
}
