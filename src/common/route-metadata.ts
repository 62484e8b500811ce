import type { Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

type Targets = (Type<unknown> | ((...args: never[]) => unknown))[];

/**
 * A Reflector that keeps its `getAllAndOverride` answers for a route (its handler and its
 * controller): decorators write a route's metadata when its class is defined, so the answer
 * never changes once the app runs, yet the guards ask again on every request. On a create that
 * was about 18 lookups through reflect-metadata's prototype walks (1 % of its CPU in the
 * profile: bench/README.md). Other questions go to Nest's Reflector as they are.
 */
export class RouteMetadata extends Reflector {
  private readonly kept = new WeakMap<object, WeakMap<object, Map<unknown, unknown>>>();

  override getAllAndOverride<TResult = unknown, TKey = unknown>(metadataKey: TKey, targets: Targets): TResult {
    const [handler, controller] = targets;
    if (targets.length !== 2 || typeof handler !== 'function' || typeof controller !== 'function')
      return super.getAllAndOverride<TResult, TKey>(metadataKey, targets);
    let byController = this.kept.get(handler);
    if (!byController) this.kept.set(handler, (byController = new WeakMap()));
    let answers = byController.get(controller);
    if (!answers) byController.set(controller, (answers = new Map()));
    if (!answers.has(metadataKey))
      answers.set(metadataKey, super.getAllAndOverride<TResult, TKey>(metadataKey, targets));
    return answers.get(metadataKey) as TResult;
  }
}
