// Money crosses the API in dollars (at most 2 decimals) and is stored and summed in integer cents.
export const toCents = (dollars: number): number => Math.round(dollars * 100);
export const toDollars = (cents: number): number => Math.round(cents) / 100;
