// An id that names nothing the asker may see: out of the column's range, another organization's, or
// a conversation the visibility rule hides. Domain functions and route parsing throw it; the app
// answers it with the same 404 page as an unknown URL, so none of these can be told apart.
export class NotFound extends Error {
  constructor(what = "not found") {
    super(what);
  }
}
