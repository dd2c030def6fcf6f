import { describe, expect, it } from 'vitest';
import { contentRoot, escapeXml, isoDuration, leafText } from '../../../src/emulator/atom-xml.js';
import { declaredSettings } from '../../../src/emulator/admin-entities.js';

describe('isoDuration', () => {
  it('writes TimeSpans as Service Bus does, with TimeSpan.MaxValue for "none"', () => {
    expect(isoDuration(60_000)).toBe('PT1M');
    expect(isoDuration(45_000)).toBe('PT45S');
    expect(isoDuration(14 * 86_400_000 + 2 * 3_600_000)).toBe('P14DT2H');
    expect(isoDuration(1_500)).toBe('PT1.5S');
    expect(isoDuration(0)).toBe('PT0S');
    expect(isoDuration(undefined)).toBe('P10675199DT2H48M5.4775807S');
  });
});

describe('leafText and contentRoot', () => {
  const body =
    '<?xml version="1.0"?><entry xmlns="http://www.w3.org/2005/Atom"><updated>x</updated><content type="application/xml">' +
    '<QueueDescription xmlns="http://schemas.microsoft.com/netservices/2010/10/servicebus/connect"><LockDuration>PT10S</LockDuration>' +
    '<RequiresSession>true</RequiresSession><UserMetadata>a &amp; b &lt;c&gt; &#x41;</UserMetadata><ForwardTo/></QueueDescription></content></entry>';

  it('reads leaf elements, with entities decoded, and names the description', () => {
    expect(contentRoot(body)).toBe('QueueDescription');
    expect(leafText(body, 'LockDuration')).toBe('PT10S');
    expect(leafText(body, 'UserMetadata')).toBe('a & b <c> A');
    expect(leafText(body, 'ForwardTo')).toBe('');
    expect(leafText(body, 'MaxDeliveryCount')).toBeUndefined();
    expect(escapeXml(`<a href="x">&'`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;');
  });

  it('turns a description into settings, and refuses values the emulator cannot take with a 400', () => {
    expect(declaredSettings(body, 'q')).toEqual({ name: 'q', lockDuration: 10_000, requiresSession: true });
    expect(() => declaredSettings('<MaxDeliveryCount>0</MaxDeliveryCount>', 'q')).toThrow(/MaxDeliveryCount must be a whole number/);
    expect(() => declaredSettings('<LockDuration>soon</LockDuration>', 'q')).toThrow(expect.objectContaining({ status: 400 }));
  });
});
