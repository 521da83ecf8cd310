/**
 * The Users search's key of a name, shared by the repositories that write names and the migration that gave
 * the users already there theirs: a migration must not reach up into a repository.
 */

/**
 * A first or last name as the Users search compares it: lower case, accents dropped ("José" → "jose"),
 * runs of spaces made one. Done here, not by the database's lower(), which folds only ASCII on SQLite.
 */
export function nameKey(name: string): string {
  return name.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().trim().replace(/\s+/g, ' ');
}
