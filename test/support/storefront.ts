// Test helper: all five services in-process on free ports (the three store services from
// test/support, then ml-advisor and the storefront wired to them). ml-advisor can be stopped and
// restarted on the same port, as an operator would.
import { startService, type RunningService } from '../../services/kit/index.ts';
import advisorDef from '../../services/ml-advisor/service.ts';
import { QUIET, startStoreServices, type StoreServices } from './store-services.ts';
import { testDatabaseEnv } from './test-database.ts';
import petstoreDef from '../../services/petstore/service.ts';

export interface Storefront {
  store: StoreServices;
  advisor: RunningService;
  petstore: RunningService;
  stopAdvisor(): Promise<void>;
  restartAdvisor(): Promise<RunningService>;
  close(): Promise<void>;
}

export async function startStorefront(
  env: { store?: NodeJS.ProcessEnv; advisor?: NodeJS.ProcessEnv; petstore?: NodeJS.ProcessEnv } = {},
): Promise<Storefront> {
  const store = await startStoreServices(env.store);
  const advisorEnv: NodeJS.ProcessEnv = { ...process.env, ...QUIET, ...env.advisor };
  let advisor = await startService(advisorDef, advisorEnv);
  advisorEnv.PORT = String(advisor.port);
  const petstore = await startService(petstoreDef, {
    ...process.env,
    ...QUIET,
    ML_ADVISOR_URL: advisor.url,
    ORDER_URL: store.order.url,
    INVENTORY_URL: store.inventory.url,
    ...(await testDatabaseEnv()),
    ...env.petstore,
  });
  let advisorUp = true;
  const s: Storefront = {
    store,
    get advisor() {
      return advisor;
    },
    petstore,
    async stopAdvisor() {
      advisorUp = false;
      await advisor.close();
    },
    async restartAdvisor() {
      if (advisorUp) await s.stopAdvisor();
      advisor = await startService(advisorDef, advisorEnv);
      advisorUp = true;
      return advisor;
    },
    async close() {
      await petstore.close();
      if (advisorUp) await advisor.close();
      await store.close();
    },
  };
  return s;
}
