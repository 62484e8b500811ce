import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import 'reflect-metadata';
import { SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { RouteMetadata } from './route-metadata';

@SetMetadata('scopes', ['calls:read'])
class Calls {
  @SetMetadata('scopes', ['calls:write'])
  create() {}
  list() {}
  @SetMetadata('public', true)
  health() {}
}
class Others extends Calls {}

describe('RouteMetadata', () => {
  const plain = new Reflector();
  const cases: [string, (...args: never[]) => unknown, object][] = [
    ['scopes', Calls.prototype.create, Calls],
    ['scopes', Calls.prototype.list, Calls],
    ['public', Calls.prototype.health, Calls],
    ['public', Calls.prototype.list, Calls],
    ['scopes', Calls.prototype.list, Others],
    ['missing', Calls.prototype.create, Calls],
  ];

  it("answers as Nest's Reflector does, undefined included, every time", () => {
    const kept = new RouteMetadata();
    for (let round = 0; round < 2; round++)
      for (const [key, handler, controller] of cases)
        assert.deepEqual(
          kept.getAllAndOverride(key, [handler, controller as never]),
          plain.getAllAndOverride(key, [handler, controller as never]),
          `${key} of ${handler.name} on ${(controller as { name: string }).name}`,
        );
  });

  it('asks reflect-metadata once per route and key', () => {
    const kept = new RouteMetadata();
    const read = Reflect.getMetadata.bind(Reflect);
    let reads = 0;
    Reflect.getMetadata = ((...args: Parameters<typeof read>) => (
      reads++,
      read(...args)
    )) as typeof Reflect.getMetadata;
    try {
      for (let i = 0; i < 5; i++) kept.getAllAndOverride('scopes', [Calls.prototype.list, Calls]);
      assert.equal(reads, 2, 'the handler, then the class, once');
      kept.getAllAndOverride('scopes', [Calls.prototype.list]);
      assert.equal(reads, 3, 'other shapes of question are not kept');
    } finally {
      Reflect.getMetadata = read;
    }
  });
});
