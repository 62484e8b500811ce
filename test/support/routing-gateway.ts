/**
 * Gateway settings for suites that steer routing with planted vendor faults. Circuits stay
 * shut, so one test's failures do not steer the next (breakers have their own suites), and
 * nothing reads vendors in the background (no reconciler, no final read of an ended call):
 * such a read could take a one-shot fault meant for a test's create.
 */
export const ROUTING_TEST_ENV: Record<string, string> = {
  ROUTING_ABSENT_CONFIRM_MS: '50',
  VENDOR_TIMEOUT_MS: '1000',
  CIRCUIT_CONSECUTIVE_FAILURES: '100000',
  CIRCUIT_SAMPLING_MIN_REQUESTS: '100000',
  RECONCILE_AFTER_SECONDS: '36000',
  RECONCILE_FINAL_READ_SECONDS: '36000',
};

/**
 * Connection budgets far above the vendors' documented ones (Kalem's 60 requests a minute,
 * Klen's 100 calls a day): routing suites place many calls a minute; budgets have their own tests.
 */
export const ROOMY_BUDGETS = {
  requests_per_minute: 100_000,
  requests_per_hour: 100_000,
  calls_per_day: 100_000,
  calls_per_minute: 100_000,
};
