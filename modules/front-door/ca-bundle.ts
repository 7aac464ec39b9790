import { X509Certificate } from 'node:crypto';

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * Why `pem` cannot be a trust store's CA bundle, or undefined: every
 * certificate in it must parse as X.509 and be a CA certificate (basic
 * constraints `CA:TRUE`). A client's own certificate in the bundle would not
 * let the load balancer verify any other client.
 */
export function caBundleProblem(pem: string): string | undefined {
  const blocks = pem.match(CERTIFICATE_BLOCK) ?? [];
  for (const [index, block] of blocks.entries()) {
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(block);
    } catch {
      return `certificate ${index + 1} of ${blocks.length} does not parse as X.509`;
    }
    if (!certificate.ca) {
      return (
        `certificate ${index + 1} of ${blocks.length} (${certificate.subject.replace(/\n/g, ', ')}) is not a CA certificate ` +
        '(basic constraints CA:TRUE); the bundle holds the CAs that issue client certificates, not client certificates'
      );
    }
  }
  return undefined;
}
