package amqp

// AMQP 1.0 format codes (type system, part 1 of the specification).
const (
	codeDescribed  byte = 0x00
	codeNull       byte = 0x40
	codeBoolTrue   byte = 0x41
	codeBoolFalse  byte = 0x42
	codeBool       byte = 0x56
	codeUbyte      byte = 0x50
	codeUshort     byte = 0x60
	codeUint       byte = 0x70
	codeSmallUint  byte = 0x52
	codeUint0      byte = 0x43
	codeUlong      byte = 0x80
	codeSmallUlong byte = 0x53
	codeUlong0     byte = 0x44
	codeByte       byte = 0x51
	codeShort      byte = 0x61
	codeInt        byte = 0x71
	codeSmallInt   byte = 0x54
	codeLong       byte = 0x81
	codeSmallLong  byte = 0x55
	codeFloat      byte = 0x72
	codeDouble     byte = 0x82
	codeDecimal32  byte = 0x74
	codeDecimal64  byte = 0x84
	codeDecimal128 byte = 0x94
	codeChar       byte = 0x73
	codeTimestamp  byte = 0x83
	codeUUID       byte = 0x98
	codeVbin8      byte = 0xa0
	codeVbin32     byte = 0xb0
	codeStr8       byte = 0xa1
	codeStr32      byte = 0xb1
	codeSym8       byte = 0xa3
	codeSym32      byte = 0xb3
	codeList0      byte = 0x45
	codeList8      byte = 0xc0
	codeList32     byte = 0xd0
	codeMap8       byte = 0xc1
	codeMap32      byte = 0xd1
	codeArray8     byte = 0xe0
	codeArray32    byte = 0xf0
)

// Descriptor codes of the described types the codec knows.
const (
	descOpen        uint64 = 0x10
	descBegin       uint64 = 0x11
	descAttach      uint64 = 0x12
	descFlow        uint64 = 0x13
	descTransfer    uint64 = 0x14
	descDisposition uint64 = 0x15
	descDetach      uint64 = 0x16
	descEnd         uint64 = 0x17
	descClose       uint64 = 0x18
	descError       uint64 = 0x1d
	descReceived    uint64 = 0x23
	descAccepted    uint64 = 0x24
	descRejected    uint64 = 0x25
	descReleased    uint64 = 0x26
	descModified    uint64 = 0x27
	descSource      uint64 = 0x28
	descTarget      uint64 = 0x29

	descSASLMechanisms uint64 = 0x40
	descSASLInit       uint64 = 0x41
	descSASLChallenge  uint64 = 0x42
	descSASLResponse   uint64 = 0x43
	descSASLOutcome    uint64 = 0x44

	descHeader        uint64 = 0x70
	descDeliveryAnn   uint64 = 0x71
	descMessageAnn    uint64 = 0x72
	descProperties    uint64 = 0x73
	descAppProperties uint64 = 0x74
	descData          uint64 = 0x75
	descSequence      uint64 = 0x76
	descValue         uint64 = 0x77
	descFooter        uint64 = 0x78
)

// symbolicDescriptors maps the spec's symbolic descriptor names to their
// numeric codes, so a peer using the symbolic form is understood too.
var symbolicDescriptors = map[Symbol]uint64{
	"amqp:open:list":                  descOpen,
	"amqp:begin:list":                 descBegin,
	"amqp:attach:list":                descAttach,
	"amqp:flow:list":                  descFlow,
	"amqp:transfer:list":              descTransfer,
	"amqp:disposition:list":           descDisposition,
	"amqp:detach:list":                descDetach,
	"amqp:end:list":                   descEnd,
	"amqp:close:list":                 descClose,
	"amqp:error:list":                 descError,
	"amqp:received:list":              descReceived,
	"amqp:accepted:list":              descAccepted,
	"amqp:rejected:list":              descRejected,
	"amqp:released:list":              descReleased,
	"amqp:modified:list":              descModified,
	"amqp:source:list":                descSource,
	"amqp:target:list":                descTarget,
	"amqp:sasl-mechanisms:list":       descSASLMechanisms,
	"amqp:sasl-init:list":             descSASLInit,
	"amqp:sasl-challenge:list":        descSASLChallenge,
	"amqp:sasl-response:list":         descSASLResponse,
	"amqp:sasl-outcome:list":          descSASLOutcome,
	"amqp:header:list":                descHeader,
	"amqp:delivery-annotations:map":   descDeliveryAnn,
	"amqp:message-annotations:map":    descMessageAnn,
	"amqp:properties:list":            descProperties,
	"amqp:application-properties:map": descAppProperties,
	"amqp:data:binary":                descData,
	"amqp:amqp-sequence:list":         descSequence,
	"amqp:amqp-value:*":               descValue,
	"amqp:footer:map":                 descFooter,
}

// descriptorCode returns the numeric code of a descriptor given as ulong or
// known symbol.
func descriptorCode(d any) (uint64, bool) {
	switch v := d.(type) {
	case uint64:
		return v, true
	case Symbol:
		c, ok := symbolicDescriptors[v]
		return c, ok
	}
	return 0, false
}
