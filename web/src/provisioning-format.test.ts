import { describe, expect, it } from 'vitest';
import { provisioningRequest } from './provisioning-format.ts';

const TOKEN = 'A'.repeat(32);

describe('provisioningRequest', () => {
  it.each([
    ['`.xml` with no header at all (linphonec 5.1)', `${TOKEN}.xml`, {}, 'xml'],
    ['`.xml` even when JSON is asked', `${TOKEN}.xml`, { accept: 'application/json' }, 'xml'],
    ['the plain URL with no header', TOKEN, {}, 'json'],
    ['x-linphone-provisioning', TOKEN, { 'x-linphone-provisioning': 'true' }, 'xml'],
    ['Accept: application/xml', TOKEN, { accept: 'application/xml' }, 'xml'],
    ['Accept: text/xml', TOKEN, { accept: 'text/xml' }, 'xml'],
    ['Accept: application/json', TOKEN, { accept: 'application/json' }, 'json'],
    ['Accept: */*', TOKEN, { accept: '*/*' }, 'json'],
    ['JSON preferred to XML', TOKEN, { accept: 'application/xml;q=0.5, application/json' }, 'json'],
    ['XML preferred to JSON', TOKEN, { accept: 'application/json;q=0.2, text/xml' }, 'xml'],
    ['XML refused with q=0', TOKEN, { accept: 'application/xml;q=0' }, 'json'],
  ])('%s', (_name, segment, headers, format) => {
    expect(provisioningRequest(segment, new Headers(headers))).toEqual({ token: TOKEN, format });
  });
});
