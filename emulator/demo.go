package emulator

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"time"

	"github.com/sbx-tui/sbx/emulator/config"
)

// The demo namespace is an ordinary Config.json in the official emulator's
// format, so it also shows a newcomer what such a file looks like.
//
//go:embed demodata/Config.json
var demoConfigJSON []byte

// DemoConfig is the namespace a newcomer explores first: queues (one with
// sessions), a topic with three filtered subscriptions. Its messages are
// listed by DemoMessages and sent through the AMQP side by a seeder.
func DemoConfig() *config.Config {
	c, err := config.Parse(demoConfigJSON, "demodata/Config.json")
	if err != nil {
		// The file is embedded: failing to parse it is a build defect that
		// TestDemoConfigLoads catches, not bad input.
		panic(fmt.Sprintf("emulator: embedded demo config: %v", err))
	}
	return c
}

// DemoAction is what the seeder does with a demo message after sending it.
type DemoAction int

const (
	// DemoLeave leaves the message active.
	DemoLeave DemoAction = iota
	// DemoDeadLetter receives the message and dead-letters it with
	// DeadLetterReason and DeadLetterDescription, as a consumer would.
	DemoDeadLetter
	// DemoDefer receives the message and defers it.
	DemoDefer
	// DemoAbandonUntilDeadLettered receives and abandons the message until
	// the broker moves it to the DLQ with MaxDeliveryCountExceeded.
	DemoAbandonUntilDeadLettered
	// DemoExpire sends the message with a very short time to live on an
	// entity that dead-letters on expiry (TTLExpiredException).
	DemoExpire
	// DemoSchedule schedules the message ScheduleIn from now.
	DemoSchedule
)

// DemoMessage is one message of the demo namespace, as plain data so the
// emulator stays free of the SDK; the seeder turns it into SDK calls.
type DemoMessage struct {
	To            string // queue or topic to send to
	ReceiveFrom   string // queue or "topic/Subscriptions/sub" the action applies to; "" = To
	SessionID     string
	MessageID     string
	CorrelationID string
	Subject       string
	ContentType   string
	Properties    map[string]any
	Body          []byte

	Action                DemoAction
	DeadLetterReason      string
	DeadLetterDescription string
	ScheduleIn            time.Duration
}

// DemoMessages lists the demo namespace's messages in the order the seeder
// sends them. Messages with an action on the same entity come first so the
// seeder receives exactly them.
func DemoMessages() []DemoMessage {
	order := func(id string, amount float64, customer string) []byte {
		return fmt.Appendf(nil, `{"orderId":%q,"customer":%q,"amount":%.2f,"currency":"EUR","items":[{"sku":"SKU-%s","qty":1}]}`,
			id, customer, amount, id[len(id)-3:])
	}
	return []DemoMessage{
		// orders: poison messages first (they are received and acted on).
		{To: "orders", MessageID: "ORD-1007", Subject: "order.created", ContentType: "application/json",
			Properties: map[string]any{"tenant": "acme", "schemaVersion": int32(3)},
			Body:       []byte(`{"orderId":"ORD-1007","customer":"c-17","amount":"12,50","currency":"EUR"}`),
			Action:     DemoDeadLetter, DeadLetterReason: "SchemaValidationFailed",
			DeadLetterDescription: `$.amount: expected number, got string "12,50"`},
		{To: "orders", MessageID: "ORD-1008", Subject: "order.created", ContentType: "application/json",
			Properties: map[string]any{"tenant": "acme", "schemaVersion": int32(2)},
			Body:       []byte(`{"orderId":"ORD-1008","customer":"c-03","amount":99.90,"currency":"XBT"}`),
			Action:     DemoDeadLetter, DeadLetterReason: "SchemaValidationFailed",
			DeadLetterDescription: `$.currency: "XBT" is not an ISO 4217 code`},
		{To: "orders", MessageID: "ORD-1009", Subject: "order.created", ContentType: "application/json",
			Properties: map[string]any{"tenant": "globex"},
			Body:       order("ORD-1009", 310, "c-44"),
			Action:     DemoAbandonUntilDeadLettered},
		{To: "orders", MessageID: "ORD-1010", Subject: "order.cancelled", ContentType: "application/json",
			Properties: map[string]any{"tenant": "acme"},
			Body:       []byte(`{"orderId":"ORD-1010","reason":"customer request"}`),
			Action:     DemoDefer},
		{To: "orders", MessageID: "ORD-1011", Subject: "order.created", ContentType: "application/json",
			Properties: map[string]any{"tenant": "initech"},
			Body:       order("ORD-1011", 18.5, "c-08"),
			Action:     DemoExpire},
		{To: "orders", MessageID: "ORD-1001", Subject: "order.created", ContentType: "application/json",
			Properties: map[string]any{"tenant": "acme", "priority": "normal"}, Body: order("ORD-1001", 129.5, "c-17")},
		{To: "orders", MessageID: "ORD-1002", Subject: "order.created", ContentType: "application/json",
			Properties: map[string]any{"tenant": "globex", "priority": "normal"}, Body: order("ORD-1002", 42, "c-21")},
		{To: "orders", MessageID: "ORD-1003", Subject: "order.paid", ContentType: "application/json",
			Properties: map[string]any{"tenant": "acme"}, Body: order("ORD-1003", 1250, "c-02")},
		{To: "orders", MessageID: "ORD-1004", Subject: "order.reminder", ContentType: "application/json",
			Properties: map[string]any{"tenant": "acme"}, Body: order("ORD-1004", 75, "c-17"),
			Action: DemoSchedule, ScheduleIn: 2 * time.Hour},

		// payments: a session queue, one session's message is poison XML.
		{To: "payments", SessionID: "customer-17", MessageID: "PAY-88", Subject: "payment.captured", ContentType: "application/xml",
			Body:   []byte(`<Payment id="PAY-88"><Amount currency="EUR">49.00</Amount>`),
			Action: DemoDeadLetter, DeadLetterReason: "DeserializationFailed",
			DeadLetterDescription: "XmlException: Unexpected end of file has occurred. The following elements are not closed: Payment. Line 1, position 58."},
		{To: "payments", SessionID: "customer-17", MessageID: "PAY-89", Subject: "payment.captured", ContentType: "application/xml",
			Body: []byte(`<Payment id="PAY-89"><Amount currency="EUR">129.50</Amount><Order>ORD-1001</Order></Payment>`)},
		{To: "payments", SessionID: "customer-21", MessageID: "PAY-90", Subject: "payment.authorised", ContentType: "application/xml",
			Body: []byte(`<Payment id="PAY-90"><Amount currency="EUR">42.00</Amount><Order>ORD-1002</Order></Payment>`)},
		{To: "payments", SessionID: "customer-21", MessageID: "PAY-91", Subject: "payment.captured", ContentType: "application/xml",
			Body: []byte(`<Payment id="PAY-91"><Amount currency="EUR">42.00</Amount><Order>ORD-1002</Order></Payment>`)},
		{To: "payments", SessionID: "customer-02", MessageID: "PAY-92", Subject: "payment.refunded", ContentType: "application/xml",
			Body: []byte(`<Payment id="PAY-92"><Amount currency="EUR">-1250.00</Amount><Order>ORD-1003</Order></Payment>`)},

		// notifications-email: plain text, a binary attachment and a gzip body.
		{To: "notifications-email", MessageID: "MAIL-501", Subject: "email.send", ContentType: "application/octet-stream",
			Properties: map[string]any{"template": "invoice-pdf"}, Body: demoBinary(),
			Action: DemoDeadLetter, DeadLetterReason: "UnsupportedContentType",
			DeadLetterDescription: "Renderer expected text/plain or text/html, got application/octet-stream (1 attachment, 96 bytes)"},
		{To: "notifications-email", MessageID: "MAIL-502", Subject: "email.send", ContentType: "application/json",
			Properties: map[string]any{"Content-Encoding": "gzip"}, Body: demoGzip(),
			Action: DemoDeadLetter, DeadLetterReason: "DeserializationFailed",
			DeadLetterDescription: "JsonReaderException: '0x1F' is an invalid start of a value. LineNumber: 0 | BytePositionInLine: 0."},
		{To: "notifications-email", MessageID: "MAIL-503", Subject: "email.send", ContentType: "text/plain",
			Properties: map[string]any{"recipient": "ops@example.invalid"},
			Body:       []byte("Your password reset link: https://example.invalid/reset?token=expired"),
			Action:     DemoAbandonUntilDeadLettered},
		{To: "notifications-email", MessageID: "MAIL-504", Subject: "email.send", ContentType: "text/plain",
			Properties: map[string]any{"recipient": "ana@example.invalid"},
			Body:       []byte("Hello Ana, your order ORD-1001 has shipped and should arrive on Friday.")},
		{To: "notifications-email", MessageID: "MAIL-505", Subject: "email.send", ContentType: "text/plain",
			Properties: map[string]any{"recipient": "bo@example.invalid"},
			Body:       []byte("Hi Bo, we received your payment of 42.00 EUR. Thank you!")},

		// legacy-import: a body written by .NET's DataContractSerializer in
		// binary XML, as old BrokeredMessage senders produce.
		{To: "legacy-import", MessageID: "IMP-7", Subject: "customer.import", ContentType: "application/msbin1",
			Body:   demoDotNetBinaryXML(`{"customerId":"c-99","name":"Müller GmbH"}`),
			Action: DemoDeadLetter, DeadLetterReason: "InvalidOperationException",
			DeadLetterDescription: "There is an error in XML document (0, 0): the body is .NET binary XML, expected JSON"},
		{To: "legacy-import", MessageID: "IMP-8", Subject: "customer.import", ContentType: "application/msbin1",
			Body: demoDotNetBinaryXML(`{"customerId":"c-100","name":"Tanaka 株式会社"}`)},

		// events: fan-out through the three subscriptions' rules.
		{To: "events", ReceiveFrom: "events/Subscriptions/high-value", MessageID: "EVT-3001", Subject: "order.paid",
			ContentType: "application/json", Properties: map[string]any{"amount": int64(4200), "region": "us"},
			Body:   []byte(`{"event":"order.paid","orderId":"ORD-0950","amount":4200}`),
			Action: DemoDeadLetter, DeadLetterReason: "FraudCheckTimeout",
			DeadLetterDescription: "risk-service did not answer within 30s (3 attempts)"},
		{To: "events", MessageID: "EVT-3002", Subject: "order.created", ContentType: "application/json",
			Properties: map[string]any{"amount": int64(129), "region": "eu"},
			Body:       []byte(`{"event":"order.created","orderId":"ORD-1001","amount":129.5}`)},
		{To: "events", MessageID: "EVT-3003", Subject: "order.paid", ContentType: "application/json",
			Properties: map[string]any{"amount": int64(1250), "region": "eu"},
			Body:       []byte(`{"event":"order.paid","orderId":"ORD-1003","amount":1250}`)},
		{To: "events", MessageID: "EVT-3004", Subject: "customer.updated", ContentType: "application/json",
			Properties: map[string]any{"region": "apac"},
			Body:       []byte(`{"event":"customer.updated","customerId":"c-100"}`)},
	}
}

// demoBinary is a small PNG-like blob: binary, not text.
func demoBinary() []byte {
	b := []byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 0x0d, 'I', 'H', 'D', 'R'}
	for i := 0; len(b) < 96; i++ {
		b = append(b, byte(i*37+11))
	}
	return b
}

// demoGzip is a gzip-compressed JSON document sent without saying so in the
// content type: a classic reason for a consumer to dead-letter.
func demoGzip() []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	// Writing to a bytes.Buffer cannot fail.
	_, _ = w.Write([]byte(`{"to":"ana@example.invalid","template":"shipping","vars":{"order":"ORD-1001","eta":"Friday"}}`))
	_ = w.Close()
	return buf.Bytes()
}

// demoDotNetBinaryXML encodes <string xmlns="http://schemas.microsoft.com/2003/10/Serialization/">text</string>
// in .NET binary XML (MC-NBFX), which is what DataContractSerializer's binary
// writer produces for a string body.
func demoDotNetBinaryXML(text string) []byte {
	const ns = "http://schemas.microsoft.com/2003/10/Serialization/"
	b := []byte{0x40, 6}               // ShortElement record, name length 6
	b = append(b, "string"...)         //
	b = append(b, 0x08, byte(len(ns))) // ShortXmlnsAttribute record
	b = append(b, ns...)
	if len(text) < 256 {
		b = append(b, 0x99, byte(len(text))) // Chars8TextWithEndElement
	} else {
		b = append(b, 0x9b, byte(len(text)), byte(len(text)>>8)) // Chars16TextWithEndElement
	}
	return append(b, text...)
}
