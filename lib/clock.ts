// The clock as the warehouse writes it.

/** UTC now as the warehouse stores timestamps: 'YYYY-MM-DD HH:MM:SS.SSS'. */
export function utcNow(): string {
  return new Date().toISOString().replace('T', ' ').replace('Z', '');
}
