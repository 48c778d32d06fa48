// The k6 response every helper passes around (body as string, bytes or none).
import type { RefinedResponse, ResponseType } from 'k6/http';

export type Response = RefinedResponse<ResponseType | undefined>;
