package sqlfilter

import "strings"

// systemNames are the broker's system properties in their canonical spelling.
// "sys." names are case-insensitive in filters; Props.System always receives
// the canonical form (names not listed are passed through as written).
var systemNames = func() map[string]string {
	m := map[string]string{}
	for _, n := range []string{
		"MessageId", "CorrelationId", "To", "ReplyTo", "Label", "Subject",
		"SessionId", "ReplyToSessionId", "ContentType", "SequenceNumber",
		"EnqueuedTimeUtc", "ScheduledEnqueueTimeUtc", "DeliveryCount",
		"ExpiresAtUtc", "TimeToLive", "EnqueuedSequenceNumber", "Size",
		"LockToken", "LockedUntilUtc", "DeadLetterSource", "PartitionKey",
		"ViaPartitionKey", "State",
	} {
		m[strings.ToLower(n)] = n
	}
	return m
}()

func canonicalSystemName(name string) string {
	if c, ok := systemNames[strings.ToLower(name)]; ok {
		return c
	}
	return name
}

// brokerStamped system properties are set by the broker, never by a rule
// action; SET on them is refused when the action is parsed.
var brokerStamped = map[string]bool{
	"SequenceNumber": true, "EnqueuedTimeUtc": true, "DeliveryCount": true,
	"EnqueuedSequenceNumber": true, "Size": true, "LockToken": true,
	"LockedUntilUtc": true, "DeadLetterSource": true, "State": true,
	"ExpiresAtUtc": true,
}
