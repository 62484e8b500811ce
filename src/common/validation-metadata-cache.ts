import { getMetadataStorage } from 'class-validator';

type Storage = ReturnType<typeof getMetadataStorage>;
type Lookup = Storage['getTargetValidationMetadatas'];
type ValidationMetadata = ReturnType<Lookup>[number];
type Grouped = Record<string, ValidationMetadata[]>;

const MEMOIZED = Symbol.for('switchboard.validationMetadataMemo');

/**
 * class-validator answers `getTargetValidationMetadatas` by filtering its rules again on
 * every validate, and for the inherited ones tries `instanceof` against every class that
 * has rules: on the create path that was the pipe's largest single cost, though the answer
 * only changes when a rule is registered. So the answer is kept per class and options, the
 * same array every time (so `groupByPropertyName` of it is kept too), and all of it is
 * dropped whenever a rule is registered. The arrays are shared, so nothing may change them:
 * class-validator, Nest's pipe and mapped types only read them. (Frozen, they were read on
 * V8's slow paths: the pipe got slower, not faster.) Lookups with groups are not kept: the gateway
 * uses none, and a key over them would cost what it saves. Patched once on the one global
 * storage, which every gateway in a process shares.
 */
export function memoizeValidationMetadata(storage: Storage = getMetadataStorage()): void {
  const patched = storage as Storage & { [MEMOIZED]?: true };
  if (patched[MEMOIZED]) return;
  patched[MEMOIZED] = true;

  const lookup: Lookup = storage.getTargetValidationMetadatas.bind(storage);
  const group = storage.groupByPropertyName.bind(storage);
  const addValidationMetadata = storage.addValidationMetadata.bind(storage);
  // target → schema → one slot per (always, strictGroups)
  let answers = new Map<unknown, Map<string | undefined, ValidationMetadata[][]>>();
  let groups = new WeakMap<ValidationMetadata[], Grouped>();
  let kept = new WeakSet<ValidationMetadata[]>();

  storage.addValidationMetadata = (metadata: ValidationMetadata) => {
    answers = new Map();
    groups = new WeakMap();
    kept = new WeakSet();
    addValidationMetadata(metadata);
  };

  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, wanted) => {
    if (wanted?.length) return lookup(target, schema, always, strictGroups, wanted);
    let bySchema = answers.get(target);
    if (!bySchema) answers.set(target, (bySchema = new Map()));
    let slots = bySchema.get(schema);
    if (!slots) bySchema.set(schema, (slots = []));
    const slot = (always ? 1 : 0) + (strictGroups ? 2 : 0);
    let answer = slots[slot];
    if (!answer) kept.add((answer = slots[slot] = lookup(target, schema, always, strictGroups, wanted)));
    return answer;
  };

  storage.groupByPropertyName = (metadata: ValidationMetadata[]) => {
    if (!kept.has(metadata)) return group(metadata);
    let grouped = groups.get(metadata);
    if (!grouped) groups.set(metadata, (grouped = group(metadata)));
    return grouped;
  };
}
