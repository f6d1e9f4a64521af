/** A tree the SQL compiler cannot translate (a field, operator or value the language does not allow there). */
export class SegmentSqlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SegmentSqlError";
  }
}
