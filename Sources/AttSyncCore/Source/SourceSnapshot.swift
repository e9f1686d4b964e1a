/// The MIS copy as one read transaction sees it: handed to `SourceDatabase.read`'s body and valid only
/// inside it. Aggregation takes a snapshot, not the database, so "every query of a run sees one state of
/// the copy" is carried by the types rather than by a comment. Only `SourceDatabase.read` makes one.
package struct SourceSnapshot {
    /// The connection, inside `BEGIN DEFERRED` … `COMMIT`.
    /// Not `package`: only the core's aggregation queries it, so no command can read the copy outside a snapshot.
    let connection: SQLiteConnection
}
