import type { Construct } from 'constructs';
import { Token } from 'cdktf';
import { AcmCertificate } from '@cdktf/provider-aws/lib/acm-certificate';
import { AcmCertificateValidation } from '@cdktf/provider-aws/lib/acm-certificate-validation';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { InvalidPropError, requireNonEmptyString } from '../core/prop-error';

/** The load balancer a certificate's domain points at. */
export interface CertificateTarget {
  /** DNS name of the load balancer. */
  readonly dnsName: string;
  /** Route 53 hosted zone ID of the load balancer (for alias records). */
  readonly zoneId: string;
}

/** A certificate bound to a front door. */
export interface BoundCertificate {
  /** ARN of the certificate the HTTPS listener serves, validated when the construct made it. */
  readonly certificateArn: string;
  /** The domain name clients use, when the front door knows one. */
  readonly domainName?: string;
}

export interface DnsValidatedCertificateOptions {
  /** The domain name vehicles connect to, e.g. `ingest.example.com`. */
  readonly domainName: string;
  /** ID of the public Route 53 hosted zone that holds `domainName`. */
  readonly hostedZoneId: string;
}

/** Domain names ACM accepts: labels of letters, digits and hyphens, optionally a leading `*.`. */
const DOMAIN_NAME = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
/** ACM certificate ARNs. */
const CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/;

/**
 * The server certificate of the front door's HTTPS listener: an existing ACM
 * certificate, or one the front door requests from ACM, validates through a
 * Route 53 record and points the domain at the load balancer with an alias
 * record.
 */
export abstract class FrontDoorCertificate {
  /** An existing ACM certificate (in the load balancer's region) by ARN. */
  public static fromArn(certificateArn: string): FrontDoorCertificate {
    return new ExistingCertificate(certificateArn);
  }

  /**
   * A new ACM certificate for `domainName`, validated by DNS in the hosted
   * zone (the validation record and `aws_acm_certificate_validation`, which
   * makes the listener wait for the issued certificate), and an alias A
   * record from `domainName` to the load balancer.
   */
  public static dnsValidated(options: DnsValidatedCertificateOptions): FrontDoorCertificate {
    return new DnsValidatedCertificate(options);
  }

  /** Checks the choice in `scope`'s words and creates what it needs there. */
  public abstract bind(scope: Construct, target: CertificateTarget): BoundCertificate;
}

class ExistingCertificate extends FrontDoorCertificate {
  constructor(private readonly certificateArn: string) {
    super();
  }

  public bind(scope: Construct): BoundCertificate {
    requireNonEmptyString(scope, 'certificate', this.certificateArn);
    if (!Token.isUnresolved(this.certificateArn) && !CERTIFICATE_ARN.test(this.certificateArn)) {
      throw new InvalidPropError(
        scope,
        'certificate',
        `FrontDoorCertificate.fromArn needs an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>), got '${this.certificateArn}'`,
      );
    }
    return { certificateArn: this.certificateArn };
  }
}

class DnsValidatedCertificate extends FrontDoorCertificate {
  constructor(private readonly options: DnsValidatedCertificateOptions) {
    super();
  }

  public bind(scope: Construct, target: CertificateTarget): BoundCertificate {
    const { domainName, hostedZoneId } = this.options;
    requireNonEmptyString(scope, 'certificate.domainName', domainName);
    requireNonEmptyString(scope, 'certificate.hostedZoneId', hostedZoneId);
    if (!Token.isUnresolved(domainName) && (!DOMAIN_NAME.test(domainName) || domainName.startsWith('*.'))) {
      throw new InvalidPropError(
        scope,
        'certificate.domainName',
        `must be a fully qualified domain name without wildcard (the alias record points it at the load balancer), got '${domainName}'`,
      );
    }
    const certificate = new AcmCertificate(scope, 'Certificate', {
      domainName,
      validationMethod: 'DNS',
      lifecycle: { createBeforeDestroy: true },
    });
    // One domain, so exactly one validation option.
    const validation = certificate.domainValidationOptions.get(0);
    const validationRecord = new Route53Record(scope, 'CertificateValidationRecord', {
      zoneId: hostedZoneId,
      name: validation.resourceRecordName,
      type: validation.resourceRecordType,
      records: [validation.resourceRecordValue],
      ttl: 300,
      allowOverwrite: true,
    });
    const validated = new AcmCertificateValidation(scope, 'CertificateValidation', {
      certificateArn: certificate.arn,
      validationRecordFqdns: [validationRecord.fqdn],
    });
    new Route53Record(scope, 'AliasRecord', {
      zoneId: hostedZoneId,
      name: domainName,
      type: 'A',
      alias: { name: target.dnsName, zoneId: target.zoneId, evaluateTargetHealth: true },
    });
    return { certificateArn: validated.certificateArn, domainName };
  }
}
