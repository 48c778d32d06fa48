import { bootstrap } from '../kit/bootstrap.ts';

await bootstrap('petstore', () => import('./service.ts'));
