import { bootstrap } from '../kit/bootstrap.ts';

await bootstrap('ml-advisor', () => import('./service.ts'));
