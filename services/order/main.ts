import { bootstrap } from '../kit/bootstrap.ts';

await bootstrap('order', () => import('./service.ts'));
