// Whom the chaos loops kill: the services that hold orders, money and stock (the storefront and
// ml-advisor hold none), in shuffled rounds: random, yet each is hit once per round.
import type { ServiceName } from '../../catalog/services.ts';

export const VICTIMS = ['order', 'payment', 'inventory'] as const satisfies readonly ServiceName[];

export function* victims(
  from: readonly ServiceName[] = VICTIMS,
  random = Math.random,
): Generator<ServiceName> {
  for (;;) {
    const round: ServiceName[] = [...from];
    for (let i = round.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [round[i], round[j]] = [round[j] as ServiceName, round[i] as ServiceName];
    }
    yield* round;
  }
}
