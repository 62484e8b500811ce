import type { MetadataJson } from 'libphonenumber-js/core';
import { parsePhoneNumberFromString } from 'libphonenumber-js/core';
import minMetadata from 'libphonenumber-js/min/metadata';

// The `min` metadata: only `isPossible` (lengths per country) is asked, which it answers as
// `max` does (the same answers over the vendors' example numbers and 45,000 random numbers
// across every calling code), at a fraction of the memory and a little less time per parse.
//
// Each calling code keeps only its main region. Left with all of them, every parse of a +1
// number tries the patterns of up to 25 NANP regions in turn to name its region (most of the
// parse's time for the vendors' +1555 examples), only for `isPossible` to read that region's
// lengths. With the main region alone the lengths are the calling code's, as Google's
// libphonenumber itself answers `isPossibleNumber` (its main regions carry every length used
// under their calling code). The normalized number is the same: the national prefix is
// stripped by the calling code's plan before the region is chosen. The one difference: a
// handful of numbers of the smaller regions of +290 and +599, the length of a number
// elsewhere under the same calling code, become possible.
const MAIN_REGION_ONLY: MetadataJson = {
  ...minMetadata,
  country_calling_codes: Object.fromEntries(
    Object.entries(minMetadata.country_calling_codes).map(([code, regions]) => [code, regions.slice(0, 1)]),
  ) as MetadataJson['country_calling_codes'],
};

export type Destination = { kind: 'e164'; value: string } | { kind: 'sip'; value: string };

/** What an unusable destination is told, in a create's `to` and a transfer's alike. */
export const DESTINATION_PROBLEM =
  'must be a phone number in E.164 with country code (e.g. +15551234567) or a sip: URI';

const SIP_URI = /^sips?:[^@\s:;]+@[A-Za-z0-9.-]+(:\d{1,5})?(;[^\s]*)?$/i;

/**
 * Normalizes a destination. Phone numbers in common human formats (`+1 (555) 123-4567`) become
 * E.164; every number libphonenumber calls *possible* for its country is accepted, because
 * the vendors' own examples (`+15551234567`) are possible but not *valid*. A country code is
 * required: the gateway cannot guess the caller's country. Returns null when unusable.
 */
export function normalizeDestination(input: string): Destination | null {
  const raw = input.trim();
  if (/^sips?:/i.test(raw)) return SIP_URI.test(raw) ? { kind: 'sip', value: raw } : null;
  if (!raw.startsWith('+') && !raw.startsWith('00')) return null;
  if (/[^\d\s().+\-/]/.test(raw)) return null;
  const phone = parsePhoneNumberFromString(raw.startsWith('00') ? `+${raw.slice(2)}` : raw, MAIN_REGION_ONLY);
  if (!phone || !phone.isPossible()) return null;
  return { kind: 'e164', value: phone.number };
}
