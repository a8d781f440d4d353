package decode

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
)

// CloudEvents over AMQP / Service Bus: binary mode puts the attributes in
// application properties (cloudEvents:specversion per the AMQP binding;
// ce-/ce_ prefixes from HTTP and Kafka producers are accepted too) and the
// data in the body; structured mode puts the whole event, as JSON, in the
// body.

var ceAttributeOrder = []string{"specversion", "id", "source", "type", "datacontenttype", "dataschema", "subject", "time"}

type ceBinary struct {
	attrs map[string]string
	why   string
}

var cePrefixes = []string{"cloudevents:", "cloudevents_", "ce-", "ce_"}

func binaryCloudEvent(props map[string]any) *ceBinary {
	var ce *ceBinary
	for k, v := range props {
		lk := strings.ToLower(k)
		for _, p := range cePrefixes {
			if !strings.HasPrefix(lk, p) || len(lk) == len(p) {
				continue
			}
			if ce == nil {
				ce = &ceBinary{attrs: map[string]string{}}
			}
			ce.attrs[lk[len(p):]] = ceValue(v)
			if lk[len(p):] == "specversion" {
				ce.why = "application property " + k + " marks a binary-mode CloudEvent"
			}
			break
		}
	}
	if ce == nil || ce.why == "" {
		return nil
	}
	return ce
}

func ceValue(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []byte:
		return string(x)
	case time.Time:
		return x.Format(time.RFC3339Nano)
	case nil:
		return "null"
	}
	return fmt.Sprint(v)
}

// writeCEAttributes writes the well-known attributes first, then extensions
// in name order.
func (d *decoder) writeCEAttributes(title string, attrs map[string]string) {
	d.out.str(title)
	d.out.byte1('\n')
	names := make([]string, 0, len(attrs))
	for k := range attrs {
		names = append(names, k)
	}
	rank := func(k string) int {
		for i, n := range ceAttributeOrder {
			if n == k {
				return i
			}
		}
		return len(ceAttributeOrder)
	}
	sort.Slice(names, func(i, j int) bool {
		ri, rj := rank(names[i]), rank(names[j])
		if ri != rj {
			return ri < rj
		}
		return names[i] < names[j]
	})
	for _, k := range names {
		d.out.str("  " + k + ": " + attrs[k] + "\n")
	}
	d.out.byte1('\n')
}

func (d *decoder) cloudEventBinary(ce *ceBinary, in Input) {
	d.addWhy(ce.why)
	d.chain = append(d.chain, "cloudevent")
	if in.ContentType != "" {
		if _, ok := ce.attrs["datacontenttype"]; !ok {
			ce.attrs["datacontenttype"] = in.ContentType
		}
	}
	d.writeCEAttributes("CloudEvent (binary mode)", ce.attrs)
	d.out.str("data:\n")
	d.body(in.Body, d.claim, contentEncoding(in.Properties))
	d.kind = "cloudevent"
}

// hasSpecVersion is the cheap check for a structured CloudEvent.
func hasSpecVersion(b []byte) bool {
	s, _ := sample(b, 4096)
	return bytes.Contains(s, []byte(`"specversion"`))
}

// structuredCloudEvent renders a JSON CloudEvent envelope, then its data
// decoded by datacontenttype. It reports false (rendering nothing) if b is
// not one.
func (d *decoder) structuredCloudEvent(b []byte, cl claim) bool {
	if cl != claimCloudEvents && !hasSpecVersion(b) || len(b) > 4*d.opts.MaxBytes {
		return false
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(b, &m) != nil {
		return false
	}
	if _, ok := m["specversion"]; !ok {
		return false
	}
	attrs := map[string]string{}
	for k, raw := range m {
		if k == "data" || k == "data_base64" {
			continue
		}
		var s string
		if json.Unmarshal(raw, &s) == nil {
			attrs[k] = s
		} else {
			var c bytes.Buffer
			if json.Compact(&c, raw) == nil {
				attrs[k] = c.String()
			}
		}
	}
	d.addWhy("JSON with a specversion member: a structured CloudEvent")
	d.chain = append(d.chain, "cloudevent")
	d.structured = true
	d.writeCEAttributes("CloudEvent (structured mode)", attrs)
	dataClaim, _ := classifyContentType(attrs["datacontenttype"])
	if dataClaim == claimNone && attrs["datacontenttype"] == "" {
		dataClaim = claimJSON // the spec's default for structured mode
	}
	switch raw, hasData := m["data"]; {
	case m["data_base64"] != nil:
		var s string
		dec, err := []byte(nil), json.Unmarshal(m["data_base64"], &s)
		if err == nil {
			dec, err = base64.StdEncoding.DecodeString(s)
		}
		if err != nil {
			d.warn("data_base64 does not decode: %v", err)
			break
		}
		d.out.str("data (base64):\n")
		d.chain = append(d.chain, "base64")
		d.body(dec, dataClaim, "")
	case hasData && len(raw) > 0 && raw[0] == '"' && dataClaim != claimJSON:
		var s string
		if json.Unmarshal(raw, &s) == nil {
			d.out.str("data:\n")
			d.body([]byte(s), dataClaim, "")
		}
	case hasData:
		d.out.str("data:\n")
		if err := d.renderJSON(raw); err != nil {
			d.out.bytes(raw)
		}
	default:
		d.out.str("(no data)")
	}
	d.kind = "cloudevent"
	return true
}
