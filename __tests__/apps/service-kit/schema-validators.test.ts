import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EvPayload } from '../../../contract/ev-payload';
import { compiledValidator } from '../../../apps/service-kit/schema-validators';
import { SAMPLE_EVENT } from '../sample-event';

describe('the service kit’s schema validators', () => {
  test('one compiled function per schema: the route and the drain share it', () => {
    expect(compiledValidator(EvPayload)).toBe(compiledValidator(EvPayload));
  });

  test('the committed sample event (samples/ev-event.json) is a valid event', () => {
    const validate = compiledValidator(EvPayload);
    const posted: unknown = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'samples', 'ev-event.json'), 'utf8'));
    expect(validate(posted)).toBe(true);
  });

  test.each([
    ['a number sent as a string (no coercion)', { ...SAMPLE_EVENT, speed: '60' }, 'type', '/speed'],
    ['an unknown property (rejected, not removed)', { ...SAMPLE_EVENT, odometr: 1 }, 'additionalProperties', ''],
    ['a timestamp that is no RFC 3339 date-time (formats on)', { ...SAMPLE_EVENT, timestamp: '15/02/2024' }, 'format', '/timestamp'],
  ])('refuses %s', (_name, event, keyword, instancePath) => {
    const validate = compiledValidator(EvPayload);
    const copy = structuredClone(event);
    expect(validate(copy)).toBe(false);
    expect(validate.errors?.[0]).toMatchObject({ keyword, instancePath });
    expect(copy).toEqual(event);
  });
});
