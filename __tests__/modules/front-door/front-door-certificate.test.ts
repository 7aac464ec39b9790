import { Testing } from 'cdktf';
import { AcmCertificate } from '@cdktf/provider-aws/lib/acm-certificate';
import { AcmCertificateValidation } from '@cdktf/provider-aws/lib/acm-certificate-validation';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { FrontDoor } from '../../../modules/front-door/front-door';
import { FrontDoorCertificate } from '../../../modules/front-door/front-door-certificate';
import { newStack, resolved, resources } from '../fixture';
import { CERTIFICATE_ARN, frontDoorProps } from './fixture';

Testing.setupJest();

describe('FrontDoorCertificate.fromArn', () => {
  test('serves the given certificate and creates no certificate or DNS record', () => {
    const stack = newStack();
    new FrontDoor(stack, 'FrontDoor', frontDoorProps({ certificate: FrontDoorCertificate.fromArn(CERTIFICATE_ARN) }));
    const synth = Testing.synth(stack);
    expect(synth).toHaveResourceWithProperties(LbListener, { certificate_arn: CERTIFICATE_ARN });
    expect(resources(JSON.parse(synth), 'aws_acm_certificate')).toEqual([]);
    expect(resources(JSON.parse(synth), 'aws_route53_record')).toEqual([]);
  });

  test('rejects what is not an ACM certificate ARN', () => {
    expect(
      () =>
        new FrontDoor(
          newStack(),
          'FrontDoor',
          frontDoorProps({ certificate: FrontDoorCertificate.fromArn('arn:aws:iam::111122223333:server-certificate/x') }),
        ),
    ).toThrow(
      /FrontDoor 'test\/FrontDoor': invalid prop 'certificate': FrontDoorCertificate.fromArn needs an ACM certificate ARN .*got 'arn:aws:iam::111122223333:server-certificate\/x'/,
    );
    expect(() => new FrontDoor(newStack(), 'FrontDoor', frontDoorProps({ certificate: FrontDoorCertificate.fromArn('') }))).toThrow(
      /invalid prop 'certificate': must be a non-empty string/,
    );
  });
});

describe('FrontDoorCertificate.dnsValidated', () => {
  const stack = newStack();
  const frontDoor = new FrontDoor(
    stack,
    'FrontDoor',
    frontDoorProps({
      certificate: FrontDoorCertificate.dnsValidated({ domainName: 'ingest.example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' }),
    }),
  );
  const synth = Testing.synth(stack);

  test('requests a DNS-validated certificate for the domain', () => {
    expect(synth).toHaveResourceWithProperties(AcmCertificate, {
      domain_name: 'ingest.example.com',
      validation_method: 'DNS',
      lifecycle: { create_before_destroy: true },
    });
  });

  test('writes the validation record into the zone and waits for the certificate to be issued', () => {
    expect(synth).toHaveResourceWithProperties(Route53Record, {
      zone_id: 'Z0123456789ABCDEFGHIJ',
      name: '${tolist(aws_acm_certificate.FrontDoor_Certificate_B775735C.domain_validation_options).0.resource_record_name}',
      type: '${tolist(aws_acm_certificate.FrontDoor_Certificate_B775735C.domain_validation_options).0.resource_record_type}',
      records: ['${tolist(aws_acm_certificate.FrontDoor_Certificate_B775735C.domain_validation_options).0.resource_record_value}'],
      ttl: 300,
    });
    expect(synth).toHaveResourceWithProperties(AcmCertificateValidation, {
      certificate_arn: '${aws_acm_certificate.FrontDoor_Certificate_B775735C.arn}',
      validation_record_fqdns: ['${aws_route53_record.FrontDoor_CertificateValidationRecord_81152AF9.fqdn}'],
    });
  });

  test('the listener serves the validated certificate (so it is created only once the certificate is issued)', () => {
    expect(synth).toHaveResourceWithProperties(LbListener, {
      certificate_arn: '${aws_acm_certificate_validation.FrontDoor_CertificateValidation_EAFD3150.certificate_arn}',
    });
  });

  test('points the domain at the load balancer with an alias A record, and the URL uses the domain', () => {
    expect(synth).toHaveResourceWithProperties(Route53Record, {
      zone_id: 'Z0123456789ABCDEFGHIJ',
      name: 'ingest.example.com',
      type: 'A',
      alias: {
        name: '${aws_lb.FrontDoor_LoadBalancer_B3799F30.dns_name}',
        zone_id: '${aws_lb.FrontDoor_LoadBalancer_B3799F30.zone_id}',
        evaluate_target_health: true,
      },
    });
    expect(resolved(stack, frontDoor.url)).toBe('https://ingest.example.com');
  });

  test.each([
    [{ domainName: '', hostedZoneId: 'Z1' }, /invalid prop 'certificate.domainName': must be a non-empty string/],
    [{ domainName: 'ingest.example.com', hostedZoneId: '' }, /invalid prop 'certificate.hostedZoneId': must be a non-empty string/],
    [
      { domainName: 'https://ingest.example.com', hostedZoneId: 'Z1' },
      /invalid prop 'certificate.domainName': must be a fully qualified domain name.*got 'https:\/\/ingest.example.com'/,
    ],
    [
      { domainName: '*.example.com', hostedZoneId: 'Z1' },
      /invalid prop 'certificate.domainName': must be a fully qualified domain name without wildcard/,
    ],
  ])('rejects %j', (options, message) => {
    expect(
      () => new FrontDoor(newStack(), 'FrontDoor', frontDoorProps({ certificate: FrontDoorCertificate.dnsValidated(options) })),
    ).toThrow(message);
  });
});
