// GET /pets and GET /pets/{id}: journey steps "browse_pets" and "pet_details" (live stock and price
// from inventory, "unknown" when it cannot answer in time).
import { notFound } from '../../kit/index.ts';
import { withinBudget } from '../advice.ts';
import { operations } from '../contract.ts';
import { browse, petById, petView } from '../pets.ts';
import type { Storefront } from './storefront.ts';

export function listPets({ kit: { api }, journeys }: Storefront): void {
  api.route({
    ...operations.listPets,
    handler: ({ query }) =>
      journeys.step('browse_pets', async (note) => {
        const page = browse(query);
        note.fields({ filters: query, results: page.total });
        return { body: { ...page, filters: query } };
      }),
  });
}

export function getPet({ kit: { api, config }, journeys, inventory }: Storefront): void {
  api.route({
    ...operations.getPet,
    handler: ({ params }) =>
      journeys.step('pet_details', async (note) => {
        const pet = petById(params.id);
        note.fields({ pet_id: params.id });
        if (!pet) throw notFound(`unknown pet ${params.id}; see GET /pets`);
        let stock: Record<string, unknown> = { status: 'unknown', available: null };
        let price = pet.price;
        try {
          const res = await withinBudget(
            inventory.call<{ available: number; price: number }>({
              method: 'GET',
              path: `/stock/${pet.id}`,
              operation: 'stock',
              idempotent: true,
            }),
            config.STOCK_BUDGET_MS,
          );
          if (typeof res !== 'symbol' && res.status === 200) {
            const { available } = res.body;
            price = res.body.price;
            stock = {
              status: available === 0 ? 'out_of_stock' : available < 5 ? 'low_stock' : 'in_stock',
              available,
            };
          }
        } catch {
          // Inventory down: still show the pet, without a stock figure.
        }
        if (stock.status === 'unknown') note.outcome('degraded', 'stock_unknown');
        return { body: { ...petView(pet), price, stock } };
      }),
  });
}
