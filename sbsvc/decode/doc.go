// Package decode detects what a Service Bus message body is and renders it as
// terminal-safe text. It is pure: no I/O, no SDK types, standard library only.
//
// # Entry points
//
//   - [Decode] renders a body for the detail view (mode switch: auto, text,
//     JSON, XML, hex, raw) and says what it found and why.
//   - [Preview] renders a cheap one-line summary for the message list.
//   - [Detect] reports the outermost layer of a body without rendering it.
//   - [Sanitize] and [SanitizeLine] make any string inert for a terminal.
//
// # Detection order (Auto mode)
//
// A body is peeled layer by layer, at most Options.MaxDepth layers deep; each
// layer is classified by the first rule that matches:
//
//  1. empty body;
//  2. gzip (magic 1f 8b) or zlib (CMF/FLG header with a valid checksum);
//     raw deflate only when an application property Content-Encoding says so;
//  3. UTF-16 with a byte-order mark;
//  4. the format the content type claims, if the body really is that format
//     (JSON, XML, .NET binary XML, protobuf);
//  5. .NET binary XML (MC-NBFX/MC-NBFS): first byte is an element record,
//     the body holds control bytes (so it is not plain text) and the first
//     16 KiB parse as records;
//  6. JSON: first non-blank byte is { or [ and the first 64 KiB scan as JSON;
//  7. XML: first non-blank byte is < and the first 8 KiB tokenize as XML;
//  8. UTF-16 without a byte-order mark: at least 16 bytes, 40% or more of
//     the odd (or even) bytes zero and almost none of the others, decoding
//     to text;
//  9. base64: only base64 characters, at least 8 of them, and the decoded
//     bytes are themselves compressed data, JSON, XML, binary XML, UTF-16 or
//     clean printable text;
//  10. text: valid UTF-8 with few control characters (ESC does not count,
//     so text with ANSI colours is still text);
//  11. protobuf wire format that parses completely;
//  12. raw deflate that inflates to JSON, XML or text;
//  13. hex dump.
//
// Before that, non-data AMQP bodies (value, sequence) and binary-mode
// CloudEvents (ce-specversion in the application properties) are recognised
// from the Input fields; a JSON body with a "specversion" member, or the
// content type application/cloudevents+json, is a structured CloudEvent.
//
// A content type that lies never produces an error: the body is rendered as
// what it really is and Result.Warnings says so.
//
// # Limits
//
// Rendered output stops at Options.MaxBytes (1 MiB by default) with a note;
// decompression and base64 decoding stop at four times that (a zip-bomb
// guard) with a note; detection looks only at a prefix of the body, so it is
// cheap on huge bodies.
//
// # Terminal safety
//
// Every Result.Text and every Preview passes through [Sanitize] or
// [SanitizeLine]: C0 controls and DEL become Unicode Control Pictures
// (ESC is shown as ␛, BEL as ␇), lone CR as ␍; C1 controls, bidi
// overrides/isolates and the Unicode line/paragraph separators become
// \uXXXX text; invalid UTF-8 bytes become \xNN. Tabs and newlines are kept
// (SanitizeLine shows newlines as ⏎).
package decode
