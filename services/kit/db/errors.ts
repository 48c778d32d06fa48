// PostgreSQL errors keep their SQLSTATE in `err.code` on both backends (pg and PGlite both raise
// pg-protocol DatabaseError); these helpers read it without caring which backend raised it.

/** SQLSTATE codes the services branch on. */
export const SqlState = {
  uniqueViolation: '23505',
  foreignKeyViolation: '23503',
  checkViolation: '23514',
  serializationFailure: '40001',
  deadlockDetected: '40P01',
} as const;

/** The five-character SQLSTATE of a database error, or undefined for anything else. */
export function sqlState(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined;
  const code = (err as { code: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

export function isUniqueViolation(err: unknown): boolean {
  return sqlState(err) === SqlState.uniqueViolation;
}

/** The constraint a violation names (e.g. "orders_pkey"), when the server reports it. */
export function violatedConstraint(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('constraint' in err)) return undefined;
  const constraint = (err as { constraint: unknown }).constraint;
  return typeof constraint === 'string' ? constraint : undefined;
}
