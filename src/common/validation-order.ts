import type { ValidationError } from 'class-validator';

/**
 * The order in which a field's rules are worth reporting: first that it is there, then that
 * it has the right type, then that it is in range and well formed. class-validator checks
 * every rule of a field and lists the broken ones in reverse decorator order, so without
 * this `{}` would be told its `agent_id` is too long. Rules not named here (custom ones)
 * come last: they assume a value of the right type.
 */
const RULE_RANK: Record<string, number> = {
  isDefined: 0,
  isString: 1,
  isInt: 1,
  isNumber: 1,
  isBoolean: 1,
  isObject: 1,
  isArray: 1,
  isDate: 1,
  // "must be either object or array": says the same as isObject, less plainly.
  nestedValidation: 2,
  isIn: 3,
  isEnum: 3,
  arrayMinSize: 4,
  arrayMaxSize: 4,
  arrayUnique: 4,
  min: 4,
  max: 4,
  minLength: 4,
  maxLength: 4,
  isLength: 4,
  isDateString: 4,
  isIso8601: 4,
  isEmail: 4,
  isUrl: 4,
  matches: 4,
};
const UNRANKED = 5;

export const REQUIRED_MESSAGE = 'is required';

const rank = (constraint: string) => RULE_RANK[constraint] ?? UNRANKED;

/** `agent_id must be a string` → `must be a string`: the field is named beside the message. */
const withoutProperty = (message: string, property: string) =>
  property && message.startsWith(`${property} `) ? message.slice(property.length + 1) : message;

/**
 * The message of the first rule (in the order above) that this field breaks, or undefined
 * when it breaks none of its own (its children may). An absent or null value that breaks a
 * rule is a required field left out: every other rule of an optional field is skipped then.
 */
export function firstBrokenRule(error: ValidationError): string | undefined {
  const broken = Object.entries(error.constraints ?? {});
  if (!broken.length) return undefined;
  const unknownProperty = broken.some(([constraint]) => constraint === 'whitelistValidation');
  if (error.property && !unknownProperty && (error.value === undefined || error.value === null))
    return REQUIRED_MESSAGE;
  // Stable: within a rank, class-validator's own order stands.
  const [, message] = broken
    .map((entry, i) => ({ entry, i }))
    .sort((a, b) => rank(a.entry[0]) - rank(b.entry[0]) || a.i - b.i)[0].entry;
  return withoutProperty(message, error.property);
}
