package broker

import (
	"strings"
	"time"
)

// Service limits the broker enforces on entity properties.
const (
	defaultLockDuration  = time.Minute
	maxLockDuration      = 5 * time.Minute
	defaultMaxDelivery   = 10
	defaultDupWindow     = 10 * time.Minute
	minDupWindow         = 20 * time.Second
	maxDupWindow         = 7 * 24 * time.Hour
	defaultMaxSizeMB     = 1024
	defaultMaxMessageKB  = 256
	maxEntityNameLength  = 260
	maxForwardHops       = 4 // the service's transfer hop limit
	defaultTickInterval  = 50 * time.Millisecond
	defaultMaxMessageLen = defaultMaxMessageKB * 1024
)

// Defaults returns the service defaults for a kind.
func Defaults(k Kind) Properties {
	p := Properties{
		DefaultMessageTimeToLive: MaxDuration,
		Status:                   StatusActive,
		EnableBatchedOperations:  true,
		AutoDeleteOnIdle:         MaxDuration,
	}
	switch k {
	case KindQueue:
		p.LockDuration = defaultLockDuration
		p.MaxDeliveryCount = defaultMaxDelivery
		p.DuplicateDetectionHistoryTimeWindow = defaultDupWindow
		p.MaxSizeInMegabytes = defaultMaxSizeMB
		p.MaxMessageSizeInKilobytes = defaultMaxMessageKB
	case KindTopic:
		p.DuplicateDetectionHistoryTimeWindow = defaultDupWindow
		p.MaxSizeInMegabytes = defaultMaxSizeMB
		p.MaxMessageSizeInKilobytes = defaultMaxMessageKB
	case KindSubscription:
		p.LockDuration = defaultLockDuration
		p.MaxDeliveryCount = defaultMaxDelivery
		p.DeadLetteringOnFilterEvaluationExceptions = true
	}
	return p
}

// normalize fills zero values with defaults, zeroes the fields that do not
// apply to the kind and rejects values the service would refuse. Booleans are
// kept as given: a false cannot be told apart from "not set".
func normalize(k Kind, name string, p Properties, maxMessageSize int64) (Properties, error) {
	d := Defaults(k)
	if maxMessageSize > 0 && k != KindSubscription {
		d.MaxMessageSizeInKilobytes = (maxMessageSize + 1023) / 1024
	}
	if p.LockDuration < 0 || p.DefaultMessageTimeToLive < 0 || p.DuplicateDetectionHistoryTimeWindow < 0 ||
		p.AutoDeleteOnIdle < 0 || p.MaxDeliveryCount < 0 || p.MaxSizeInMegabytes < 0 || p.MaxMessageSizeInKilobytes < 0 {
		return p, errBadArgument("negative values are not allowed in the description of '%s'", name)
	}
	fill := func(v *time.Duration, def time.Duration) {
		if *v == 0 {
			*v = def
		}
	}
	fill(&p.LockDuration, d.LockDuration)
	fill(&p.DefaultMessageTimeToLive, d.DefaultMessageTimeToLive)
	fill(&p.DuplicateDetectionHistoryTimeWindow, d.DuplicateDetectionHistoryTimeWindow)
	fill(&p.AutoDeleteOnIdle, d.AutoDeleteOnIdle)
	if p.MaxDeliveryCount == 0 {
		p.MaxDeliveryCount = d.MaxDeliveryCount
	}
	if p.MaxSizeInMegabytes == 0 {
		p.MaxSizeInMegabytes = d.MaxSizeInMegabytes
	}
	if p.MaxMessageSizeInKilobytes == 0 {
		p.MaxMessageSizeInKilobytes = d.MaxMessageSizeInKilobytes
	}
	if p.Status == "" {
		p.Status = StatusActive
	}
	switch p.Status {
	case StatusActive, StatusDisabled, StatusSendDisabled, StatusReceiveDisabled:
	default:
		return p, errBadArgument("the status '%s' of '%s' is not valid", p.Status, name)
	}
	if k != KindTopic && p.LockDuration > maxLockDuration {
		return p, errBadArgument("the lock duration of '%s' must not exceed %v", name, maxLockDuration)
	}
	if p.RequiresDuplicateDetection && (p.DuplicateDetectionHistoryTimeWindow < minDupWindow || p.DuplicateDetectionHistoryTimeWindow > maxDupWindow) {
		return p, errBadArgument("the duplicate detection history time window of '%s' must be between %v and %v",
			name, minDupWindow, maxDupWindow)
	}
	if p.ForwardTo != "" && strings.EqualFold(p.ForwardTo, name) {
		return p, errBadArgument("the entity '%s' cannot forward to itself", name)
	}
	if p.ForwardDeadLetteredMessagesTo != "" && strings.EqualFold(p.ForwardDeadLetteredMessagesTo, name) {
		return p, errBadArgument("the entity '%s' cannot forward its dead-lettered messages to itself", name)
	}
	// Fields that do not apply to the kind read as zero.
	switch k {
	case KindQueue:
		p.DeadLetteringOnFilterEvaluationExceptions = false
		p.SupportOrdering = false
	case KindTopic:
		p.LockDuration, p.MaxDeliveryCount = 0, 0
		p.DeadLetteringOnMessageExpiration, p.DeadLetteringOnFilterEvaluationExceptions = false, false
		p.RequiresSession = false
		p.ForwardTo, p.ForwardDeadLetteredMessagesTo = "", ""
	case KindSubscription:
		p.RequiresDuplicateDetection, p.DuplicateDetectionHistoryTimeWindow = false, 0
		p.MaxSizeInMegabytes, p.MaxMessageSizeInKilobytes = 0, 0
		p.EnablePartitioning, p.SupportOrdering = false, false
	}
	return p, nil
}

// checkName rejects names the service would refuse.
func checkName(what, name string) error {
	if name == "" || len(name) > maxEntityNameLength {
		return errBadArgument("the %s name must be 1 to %d characters long", what, maxEntityNameLength)
	}
	if strings.ContainsAny(name, "\\?#@\x00") || strings.HasPrefix(name, "/") || strings.HasSuffix(name, "/") ||
		strings.Contains(name, "$") {
		return errBadArgument("the %s name '%s' contains characters that are not allowed", what, name)
	}
	if what != "queue" && what != "topic" && strings.Contains(name, "/") {
		return errBadArgument("the %s name '%s' must not contain '/'", what, name)
	}
	return nil
}
