import { bootstrap } from '../kit/bootstrap.ts';

await bootstrap('inventory', () => import('./service.ts'));
