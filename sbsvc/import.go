package sbsvc

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"
)

// maxImportLine bounds one export line: a 100 MB Premium message in base64
// plus its text form and properties.
const maxImportLine = 300 << 20

// ImportOptions tune Import.
type ImportOptions struct {
	// DropDeadLetterInfo leaves out DeadLetterReason and
	// DeadLetterErrorDescription properties of messages exported from a DLQ.
	DropDeadLetterInfo bool
	// Progress is called after each accepted batch with the count so far.
	Progress func(sent int)
}

// ImportError is a line that could not be imported.
type ImportError struct {
	Line      int
	MessageID string
	Err       error
}

// ImportResult says what Import sent.
type ImportResult struct {
	Sent int // accepted by the service, scheduled ones included
	// Scheduled counts the messages, of Sent, that were exported while
	// scheduled for a time still ahead and were scheduled again for it.
	Scheduled int
	Failed    []ImportError
}

// Import reads an export file (JSON Lines of Record) and sends each message
// to target, a queue or topic, in batches within the size limit. Message
// ids, session ids, properties and bodies (of any kind) are sent as they
// were exported; broker-set fields (sequence number, enqueued time, state,
// delivery count) are not. A message exported while scheduled for a time
// still ahead is scheduled again for that time rather than sent at once
// (one whose time has passed is sent). A line that cannot be read is
// reported and skipped; a batch the service refuses stops the import.
func (ns *Namespace) Import(ctx context.Context, target string, r io.Reader, opts ImportOptions) (ImportResult, error) {
	var res ImportResult
	err := ns.write(ctx, "import", target, func(ctx context.Context) error {
		return ns.withSender(ctx, target, func(sender *azservicebus.Sender) error {
			return importLines(ctx, sender, r, opts, &res)
		})
	})
	return res, err
}

func importLines(ctx context.Context, sender *azservicebus.Sender, r io.Reader, opts ImportOptions, res *ImportResult) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxImportLine)
	var (
		batch *azservicebus.MessageBatch
		count int
	)
	sched := newScheduleQueue(sender, opts, res)
	flush := func() error {
		if batch == nil || count == 0 {
			return nil
		}
		if err := sender.SendMessageBatch(ctx, batch, nil); err != nil {
			return err
		}
		res.Sent += count
		batch, count = nil, 0
		if opts.Progress != nil {
			opts.Progress(res.Sent)
		}
		return nil
	}
	for line := 1; sc.Scan(); line++ {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if len(sc.Bytes()) == 0 {
			continue
		}
		rec, err := parseRecord(sc.Bytes())
		if err == nil {
			var msg *azservicebus.AMQPAnnotatedMessage
			if msg, err = messageFromRecord(rec, opts.DropDeadLetterInfo); err == nil {
				if at := rec.ScheduledEnqueueTime; at != nil && at.After(time.Now()) {
					err = sched.add(ctx, msg, *at)
				} else {
					err = addToBatch(ctx, sender, &batch, &count, msg, flush)
				}
			}
		}
		if err != nil {
			if errors.Is(err, errSendFailed) {
				return errors.Unwrap(err)
			}
			res.Failed = append(res.Failed, ImportError{Line: line, MessageID: rec.MessageID, Err: err})
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read the export file: %w", err)
	}
	if err := flush(); err != nil {
		return err
	}
	if err := sched.flushAll(ctx); err != nil {
		return errors.Unwrap(err)
	}
	return nil
}

// errSendFailed wraps a failed batch send, which stops an import.
var errSendFailed = errors.New("send failed")

type wrappedSendErr struct{ err error }

func (w wrappedSendErr) Error() string        { return w.err.Error() }
func (w wrappedSendErr) Unwrap() error        { return w.err }
func (w wrappedSendErr) Is(target error) bool { return target == errSendFailed }

// addToBatch adds msg, sending the current batch first when it is full.
func addToBatch(ctx context.Context, sender *azservicebus.Sender, batch **azservicebus.MessageBatch, count *int,
	msg *azservicebus.AMQPAnnotatedMessage, flush func() error) error {
	for attempt := 0; attempt < 2; attempt++ {
		if *batch == nil {
			b, err := sender.NewMessageBatch(ctx, nil)
			if err != nil {
				return wrappedSendErr{err}
			}
			*batch = b
		}
		err := (*batch).AddAMQPAnnotatedMessage(msg, nil)
		if err == nil {
			*count++
			return nil
		}
		if !errors.Is(err, azservicebus.ErrMessageTooLarge) || *count == 0 {
			return fmt.Errorf("the message does not fit in one send: %w", err)
		}
		if err := flush(); err != nil {
			return wrappedSendErr{err}
		}
	}
	return errors.New("the message does not fit in an empty batch")
}

// messageFromRecord builds the message an export line describes.
func messageFromRecord(rec Record, dropDeadLetter bool) (*azservicebus.AMQPAnnotatedMessage, error) {
	props, err := values(rec.Properties)
	if err != nil {
		return nil, err
	}
	if dropDeadLetter {
		delete(props, propDeadLetterReason)
		delete(props, propDeadLetterDescription)
	}
	annotations, err := values(rec.Annotations)
	if err != nil {
		return nil, err
	}
	m := &azservicebus.AMQPAnnotatedMessage{
		ApplicationProperties: props,
		Header: &azservicebus.AMQPAnnotatedMessageHeader{Durable: true, Priority: rec.Priority,
			TTL: time.Duration(rec.TimeToLiveMs) * time.Millisecond},
		Properties: &azservicebus.AMQPAnnotatedMessageProperties{},
	}
	p := m.Properties
	str := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	if rec.MessageID != "" {
		p.MessageID = rec.MessageID
	}
	if rec.CorrelationID != "" {
		p.CorrelationID = rec.CorrelationID
	}
	p.GroupID, p.ReplyToGroupID = rec.SessionID, str(rec.ReplyToSessionID)
	p.Subject, p.ContentType, p.ContentEncoding = str(rec.Subject), str(rec.ContentType), str(rec.ContentEncoding)
	p.To, p.ReplyTo = str(rec.To), str(rec.ReplyTo)
	for k, v := range annotations {
		if keepAnnotation(k) {
			if m.MessageAnnotations == nil {
				m.MessageAnnotations = map[any]any{}
			}
			m.MessageAnnotations[k] = v
		}
	}
	if rec.PartitionKey != "" {
		if m.MessageAnnotations == nil {
			m.MessageAnnotations = map[any]any{}
		}
		m.MessageAnnotations["x-opt-partition-key"] = rec.PartitionKey
	}
	switch rec.BodyKind {
	case "data":
		body := rec.Body
		if body == nil && rec.BodyText != nil {
			body = []byte(*rec.BodyText) // a hand-written line may give text only
		}
		m.Body.Data = [][]byte{body}
	case "value", "sequence":
		if rec.BodyValue == nil {
			return nil, fmt.Errorf("a %s body needs bodyValue", rec.BodyKind)
		}
		v, err := rec.BodyValue.value()
		if err != nil {
			return nil, fmt.Errorf("body: %w", err)
		}
		if seq, ok := v.([][]any); ok {
			m.Body.Sequence = seq
		} else {
			m.Body.Value = v
		}
	case "none", "":
	default:
		return nil, fmt.Errorf("unknown body kind %q", rec.BodyKind)
	}
	return m, nil
}
