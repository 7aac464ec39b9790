/** `npm run vehicle-cert`: the development vehicle CA, run by openssl, in a directory of its own. */
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

jest.setTimeout(120_000);

const ROOT = join(__dirname, '..', '..');
let dir: string;

function vehicleCert(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'vehicle-cert.ts'), ...args, '--dir', dir], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'vehicle-cert-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run vehicle-cert', () => {
  test('issue before ca: exit 2, saying to make the CA first', () => {
    expect(vehicleCert('issue', 'EV-001')).toMatchObject({
      status: 2,
      stderr: expect.stringMatching(/run `npm run vehicle-cert -- ca` first/),
    });
  });

  test('ca, then issue: a client certificate of that CA naming the vehicle in its URI SAN, valid --days days', () => {
    expect(vehicleCert('ca')).toMatchObject({ status: 0, stdout: expect.stringContaining(join(dir, 'ca.pem')) });
    expect(vehicleCert('issue', 'EV-001', '--days', '30')).toMatchObject({ status: 0 });
    const ca = new X509Certificate(readFileSync(join(dir, 'ca.pem')));
    const leaf = new X509Certificate(readFileSync(join(dir, 'vehicles', 'EV-001.pem')));
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.subjectAltName).toBe('URI:urn:ev:vehicle:EV-001');
    expect(leaf.subject).toBe('CN=EV-001');
    expect(leaf.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']); // extended key usage: clientAuth only
    expect(leaf.ca).toBe(false);
    const days = (Date.parse(leaf.validTo) - Date.parse(leaf.validFrom)) / 86_400_000;
    expect(Math.round(days)).toBe(30);
  });

  test('revoke: the certificate serial is in the regenerated CRL', () => {
    const serial = new X509Certificate(readFileSync(join(dir, 'vehicles', 'EV-001.pem'))).serialNumber;
    expect(vehicleCert('revoke', 'EV-001')).toMatchObject({ status: 0 });
    const crl = spawnSync('openssl', ['crl', '-in', join(dir, 'crl.pem'), '-noout', '-text'], { encoding: 'utf8' }).stdout;
    expect(crl).toMatch(new RegExp(`Serial Number: ${serial}\\s+Revocation Date`));
    expect(crl).toMatch(/Key Compromise/);
  });

  test.each([
    [['issue', '../EV-001'], /vehicle ID "..\/EV-001" is not issuable/],
    [['issue'], /usage: npm run vehicle-cert/],
    [['sign', 'EV-001'], /usage: npm run vehicle-cert/],
    [['issue', 'EV-002', '--days', '0'], /--days 0: expected an integer from 1 to 3650/],
    [['issue', 'EV-002', '--bogus'], /Unknown option '--bogus'/],
    [['revoke', 'EV-NEVER'], /no certificate issued for vehicle EV-NEVER/],
  ])('%j: exit 2 with the reason', (args, reason) => {
    expect(vehicleCert(...args)).toMatchObject({ status: 2, stderr: expect.stringMatching(reason) });
  });
});
