/**
 * The vehicle a request comes from, read from the certificate the load
 * balancer passes in `X-Amzn-Mtls-Clientcert-Leaf`: URL-encoded PEM in which
 * `+`, `=` and `/` arrive unescaped, so it is decoded with
 * `decodeURIComponent` (which leaves `+` alone), never as a form value
 * (which would turn `+` into a space and break the base64). The vehicle ID is
 * the URI subject alternative name `urn:ev:vehicle:<id>`; the subject's CN is
 * not read, so a certificate issued for another purpose by the same CA names
 * no vehicle.
 */
import { X509Certificate } from 'node:crypto';
import { VEHICLE_CERTIFICATE_HEADER, VEHICLE_URI_PREFIX } from '../../contract/vehicle-auth';

/** Longest vehicle ID, as the event schema allows it in `vehicle_id`. */
const MAX_VEHICLE_ID_LENGTH = 64;

const PEM_CERTIFICATE_BEGIN = /-----BEGIN CERTIFICATE-----/g;

/** The vehicle a certificate names, or why none could be read. */
export type VehicleIdentity = { readonly vehicleId: string } | { readonly problem: string };

/** One subject alternative name, e.g. `{ type: 'URI', value: 'urn:ev:vehicle:EV-001' }`. */
interface AltName {
  readonly type: string;
  readonly value: string;
}

/**
 * The entries of `X509Certificate.subjectAltName`: `TYPE:value` joined by
 * `, `, where Node writes a value holding `,`, `"` or other special
 * characters as a JSON string literal. Undefined when the text does not
 * follow that form.
 */
function altNames(text: string): AltName[] | undefined {
  const names: AltName[] = [];
  let rest = text;
  while (rest !== '') {
    const colon = rest.indexOf(':');
    if (colon <= 0) return undefined;
    const type = rest.slice(0, colon);
    rest = rest.slice(colon + 1);
    let value: string;
    const quoted = /^"(?:[^"\\]|\\.)*"/.exec(rest);
    if (quoted !== null) {
      value = JSON.parse(quoted[0]) as string;
      rest = rest.slice(quoted[0].length);
    } else {
      const end = rest.indexOf(', ');
      value = end < 0 ? rest : rest.slice(0, end);
      rest = end < 0 ? '' : rest.slice(end);
    }
    names.push({ type, value });
    if (rest.startsWith(', ')) rest = rest.slice(2);
    else if (rest !== '') return undefined;
  }
  return names;
}

/** The vehicle `certificate` names in its URI SAN, or why it names none (or more than one). */
export function vehicleOfCertificate(certificate: X509Certificate): VehicleIdentity {
  const names = altNames(certificate.subjectAltName ?? '');
  if (names === undefined) return { problem: 'the client certificate has subject alternative names that cannot be read' };
  const vehicleIds = new Set(
    names
      .filter((name) => name.type === 'URI' && name.value.startsWith(VEHICLE_URI_PREFIX))
      .map((name) => name.value.slice(VEHICLE_URI_PREFIX.length)),
  );
  if (vehicleIds.size === 0)
    return { problem: `the client certificate names no vehicle (no subject alternative name URI:${VEHICLE_URI_PREFIX}<id>)` };
  if (vehicleIds.size > 1) return { problem: 'the client certificate names more than one vehicle' };
  const [vehicleId] = vehicleIds;
  if (vehicleId.length === 0 || vehicleId.length > MAX_VEHICLE_ID_LENGTH) {
    return { problem: `the client certificate's vehicle ID must have 1 to ${MAX_VEHICLE_ID_LENGTH} characters` };
  }
  return { vehicleId };
}

/**
 * The vehicle named by the certificate in an `X-Amzn-Mtls-Clientcert-Leaf`
 * header value as Node presents it (`undefined` when absent; repeated headers
 * joined by `, `, which a URL-encoded PEM never contains), or why there is none.
 */
export function vehicleOfCertificateHeader(header: string | string[] | undefined): VehicleIdentity {
  if (header === undefined || header === '')
    return { problem: `no client certificate: the ${VEHICLE_CERTIFICATE_HEADER} header is missing` };
  if (Array.isArray(header) || header.includes(',')) return { problem: `more than one ${VEHICLE_CERTIFICATE_HEADER} header` };
  let pem: string;
  try {
    pem = decodeURIComponent(header);
  } catch {
    return { problem: `the ${VEHICLE_CERTIFICATE_HEADER} header is not URL-encoded` };
  }
  if ((pem.match(PEM_CERTIFICATE_BEGIN) ?? []).length !== 1) {
    return { problem: `the ${VEHICLE_CERTIFICATE_HEADER} header does not hold exactly one PEM certificate` };
  }
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(pem);
  } catch {
    return { problem: `the ${VEHICLE_CERTIFICATE_HEADER} header does not hold a readable X.509 certificate` };
  }
  return vehicleOfCertificate(certificate);
}
