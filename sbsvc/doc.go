// Package sbsvc is sbx's service layer over Azure Service Bus: connecting
// to namespaces (connection strings, Microsoft Entra ID, the emulator),
// listing entities with their runtime counts, peeking messages, peek-lock
// receive with lock tracking and auto-renewal, settling, sessions, sending
// and scheduling, resubmitting dead-lettered messages, purging, and export /
// import as JSON Lines. It is
// the only package that imports the azservicebus SDK; the TUI and the CLI
// use its domain types (Namespace, Entity, Message, Page, Error).
//
// Every failure comes back as an *Error whose Kind says what class of
// problem it is and whose Remedy says what to do; no error, String method
// or debug-log line carries a SAS key, signature or token.
//
// Every write goes through one guarded path (Namespace.write) that refuses
// in read-only mode and writes an audit line; a reflection test fails for any
// exported method that is neither declared a read nor proven to refuse.
//
// Write paths are ordered so that a failure can duplicate but never lose a
// message: a resubmitted copy is accepted before its original is completed,
// and a purge that exports writes and syncs each message before completing it.
package sbsvc
