// Package sbsvc is sbx's service layer over Azure Service Bus: connecting
// to namespaces (connection strings, Microsoft Entra ID, the emulator),
// listing entities with their runtime counts, and peeking messages. It is
// the only package that imports the azservicebus SDK; the TUI and the CLI
// use its domain types (Namespace, Entity, Message, Page, Error).
//
// Every failure comes back as an *Error whose Kind says what class of
// problem it is and whose Remedy says what to do; no error, String method
// or debug-log line carries a SAS key, signature or token.
//
// Every write goes through one guarded path that refuses in read-only
// mode; this slice has no write operations yet.
package sbsvc
