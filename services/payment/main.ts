import { bootstrap } from '../kit/bootstrap.ts';

await bootstrap('payment', () => import('./service.ts'));
