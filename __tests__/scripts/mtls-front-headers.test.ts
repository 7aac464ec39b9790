/** The headers the local mutual-TLS front adds, written as the Application Load Balancer writes them in verify mode. */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { albClientCertificateHeaders, albUrlEncode } from '../../scripts/launch/mtls-front';
import { DevPki } from '../../scripts/pki/dev-pki';

let dir: string;
let leaf: X509Certificate;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mtls-front-headers-'));
  const pki = DevPki.ensure(dir);
  const files = pki.issueVehicle('EV-001', { notBefore: new Date('2026-01-02T03:04:05Z'), notAfter: new Date('2027-01-02T03:04:05Z') });
  leaf = new X509Certificate(readFileSync(files.certificate));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('X-Amzn-Mtls-Clientcert-Leaf', () => {
  test('is the PEM with spaces as %20 and newlines as %0A, base64 (+ / =) and dashes left as they are', () => {
    const header = albClientCertificateHeaders(leaf)['x-amzn-mtls-clientcert-leaf'];
    expect(header).toMatch(/^-----BEGIN%20CERTIFICATE-----%0A[A-Za-z0-9+/=%]+-----END%20CERTIFICATE-----%0A$/);
    expect(header.match(/%[0-9A-F]{2}/g)?.every((escape) => escape === '%20' || escape === '%0A')).toBe(true);
    expect(decodeURIComponent(header)).toBe(leaf.toString());
  });

  test('escapes what the ALB escapes: everything but letters, digits, -._~ and +=/', () => {
    expect(albUrlEncode("a+b=c/d e\nf,g!h'i(j)k*l~m_n.o-p%q")).toBe('a+b=c/d%20e%0Af%2Cg%21h%27i%28j%29k%2Al~m_n.o-p%25q');
  });
});

describe('the other X-Amzn-Mtls-Clientcert-* headers', () => {
  test('serial number in hex, subject and issuer as RFC 2253 names, validity as ISO 8601 NotBefore/NotAfter', () => {
    const headers = albClientCertificateHeaders(leaf);
    expect(headers).toMatchObject({
      'x-amzn-mtls-clientcert-serial-number': leaf.serialNumber,
      'x-amzn-mtls-clientcert-subject': 'CN=EV-001',
      'x-amzn-mtls-clientcert-issuer': 'CN=EV pipeline development vehicle CA',
      'x-amzn-mtls-clientcert-validity': 'NotBefore=2026-01-02T03:04:05Z;NotAfter=2027-01-02T03:04:05Z',
    });
    expect(headers['x-amzn-mtls-clientcert-serial-number']).toMatch(/^[0-9A-F]+$/);
  });
});
