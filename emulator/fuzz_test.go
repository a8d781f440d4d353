package emulator

import (
	"testing"

	"github.com/sbx-tui/sbx/emulator/amqp"
	"github.com/sbx-tui/sbx/emulator/broker"
)

// Whatever a client sends, turning it into broker messages and back into
// deliveries returns errors, never panics.
func FuzzDecodeTransfer(f *testing.F) {
	ttl := uint32(1000)
	sid := "s"
	seed := &amqp.Message{
		Header:             &amqp.Header{TTL: &ttl},
		MessageAnnotations: &amqp.Map{Pairs: []amqp.MapPair{{Key: amqp.Symbol("x-opt-partition-key"), Value: "p"}}},
		Properties:         &amqp.Properties{MessageID: "id", GroupID: &sid},
		ApplicationProperties: &amqp.Map{Pairs: []amqp.MapPair{
			{Key: "a", Value: int64(1)},
		}},
	}
	seed.SetBodyData([]byte("hello"))
	enc, err := amqp.EncodeMessage(seed)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(uint32(0), enc)
	batch := &amqp.Message{Properties: &amqp.Properties{}}
	batch.SetBodyData(enc, enc)
	benc, err := amqp.EncodeMessage(batch)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(amqp.MessageFormatBatch, benc)
	f.Add(amqp.MessageFormatBatch, enc)
	f.Add(uint32(0), []byte{0x00, 0x53, 0x72, 0xc1, 0x03, 0x01, 0x40, 0x40})

	f.Fuzz(func(t *testing.T, format uint32, payload []byte) {
		msgs, err := decodeTransfer(format, payload)
		if err != nil {
			return
		}
		for _, bm := range msgs {
			bm.SequenceNumber = 1
			bm.State = broker.StateDeferred
			out := toAMQPMessage(bm, &lockInfo{})
			enc, err := amqp.EncodeMessage(out)
			if err != nil {
				// Values that decoded must encode again.
				t.Fatalf("re-encoding a decoded message: %v", err)
			}
			// Sections kept in wire form must still make a valid message.
			if _, err := amqp.DecodeMessage(enc); err != nil {
				t.Fatalf("the delivered message does not decode: %v", err)
			}
		}
	})
}
