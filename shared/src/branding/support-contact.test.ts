import { describe, expect, it } from 'vitest';
import { parseSupportContact } from './support-contact.ts';

describe('parseSupportContact', () => {
  it.each([
    ['+39 06 1234 5678', { kind: 'phone', text: '+39 06 1234 5678', href: 'tel:+390612345678' }],
    [
      ' help@acme.example ',
      { kind: 'email', text: 'help@acme.example', href: 'mailto:help@acme.example' },
    ],
    [
      'https://acme.example/help',
      { kind: 'web', text: 'acme.example/help', href: 'https://acme.example/help' },
    ],
    ['+39 06', undefined],
    ['call us', undefined],
  ])('reads %j the same every time it is asked', (value, expected) => {
    // Read once, then from what was kept: the same answer both times.
    expect(parseSupportContact(value)).toEqual(expected);
    expect(parseSupportContact(value)).toEqual(expected);
  });
});
