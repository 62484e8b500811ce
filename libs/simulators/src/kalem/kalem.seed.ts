/**
 * The simulated Kalem account. Kalem has no agents/numbers/trunks endpoints (docs/vendors/kalem.md § Gaps),
 * so the simulator seeds fixed ids that create-call requests must reference.
 */

/**
 * Laravel Sanctum plain-text token shape (`<token id>|<40 chars>`): Kalem is a Laravel app
 * and Kalem gives no token format, so this is the most plausible one.
 */
export const KALEM_DEFAULT_API_KEY = '1|kalemsim0sandbox0token0aB3dE5fG7hJ9kL1mN';

export interface KalemAgent {
  id: number;
  name: string;
}

export interface KalemNumber {
  id: number;
  phone_number: string;
  active: boolean;
}

export interface KalemTrunk {
  id: number;
  name: string;
  active: boolean;
}

export interface KalemAccount {
  agents: readonly KalemAgent[];
  numbers: readonly KalemNumber[];
  trunks: readonly KalemTrunk[];
}

export const KALEM_SEED: KalemAccount = {
  agents: [
    { id: 1, name: 'Sandbox Assistant' },
    { id: 2, name: 'Billing Assistant' },
  ],
  numbers: [
    { id: 1, phone_number: '+15550002222', active: true },
    { id: 2, phone_number: '+442071838750', active: true },
    // Inactive, so "number must be active" can be exercised.
    { id: 3, phone_number: '+15550009999', active: false },
  ],
  trunks: [
    { id: 1, name: 'Sandbox SIP trunk', active: true },
    { id: 2, name: 'Disabled trunk', active: false },
  ],
};
