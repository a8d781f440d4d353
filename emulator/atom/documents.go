package atom

import (
	"github.com/sbx-tui/sbx/emulator/broker"
)

// filterCounts are a topic's rules by filter family, as TopicDescription
// reports them (True and False filters count as SQL filters).
type filterCounts struct{ sql, correlation int64 }

// writeCountDetails writes all five counts: the SDK dereferences several of
// them without checking, so none may be missing.
func writeCountDetails(w *docWriter, c broker.Counts) {
	w.open("CountDetails", "xmlns:d2p1", nsCounts)
	w.int("d2p1:ActiveMessageCount", clampInt32(c.Active))
	w.int("d2p1:DeadLetterMessageCount", clampInt32(c.DeadLetter))
	w.int("d2p1:ScheduledMessageCount", clampInt32(c.Scheduled))
	w.int("d2p1:TransferMessageCount", clampInt32(c.Transfer))
	w.int("d2p1:TransferDeadLetterMessageCount", clampInt32(c.TransferDeadLetter))
	w.close("CountDetails")
}

// totalMessages is MessageCount: every message the entity holds, in any
// sub-queue.
func totalMessages(c broker.Counts) int64 {
	return c.Active + c.DeadLetter + c.Scheduled + c.Transfer + c.TransferDeadLetter
}

func status(p broker.Properties) string {
	if p.Status == "" {
		return string(broker.StatusActive)
	}
	return string(p.Status)
}

func writeAuthorizationRules(w *docWriter, rules string) {
	if rules == "" {
		w.empty("AuthorizationRules")
		return
	}
	w.open("AuthorizationRules")
	w.raw(rules)
	w.close("AuthorizationRules")
}

// writeQueueDescription writes a queue with its runtime properties, elements
// in the order the service uses.
func writeQueueDescription(w *docWriter, e *broker.EntityInfo) {
	p := e.Properties
	w.open("QueueDescription", "xmlns", nsConnect, "xmlns:i", nsInstance)
	w.duration("LockDuration", p.LockDuration)
	w.int("MaxSizeInMegabytes", int64(p.MaxSizeInMegabytes))
	w.bool("RequiresDuplicateDetection", p.RequiresDuplicateDetection)
	w.bool("RequiresSession", p.RequiresSession)
	w.duration("DefaultMessageTimeToLive", p.DefaultMessageTimeToLive)
	w.bool("DeadLetteringOnMessageExpiration", p.DeadLetteringOnMessageExpiration)
	w.duration("DuplicateDetectionHistoryTimeWindow", p.DuplicateDetectionHistoryTimeWindow)
	w.int("MaxDeliveryCount", int64(p.MaxDeliveryCount))
	w.bool("EnableBatchedOperations", p.EnableBatchedOperations)
	w.int("SizeInBytes", e.Counts.SizeInBytes)
	w.int("MessageCount", totalMessages(e.Counts))
	w.bool("IsAnonymousAccessible", false)
	writeAuthorizationRules(w, p.AuthorizationRules)
	w.text("Status", status(p))
	w.optText("ForwardTo", p.ForwardTo)
	w.time("CreatedAt", e.CreatedAt)
	w.time("UpdatedAt", e.UpdatedAt)
	w.time("AccessedAt", e.AccessedAt)
	w.bool("SupportOrdering", true)
	writeCountDetails(w, e.Counts)
	w.duration("AutoDeleteOnIdle", p.AutoDeleteOnIdle)
	w.bool("EnablePartitioning", p.EnablePartitioning)
	w.text("EntityAvailabilityStatus", "Available")
	w.optText("ForwardDeadLetteredMessagesTo", p.ForwardDeadLetteredMessagesTo)
	w.bool("EnableExpress", false)
	w.optText("UserMetadata", p.UserMetadata)
	w.int("MaxMessageSizeInKilobytes", p.MaxMessageSizeInKilobytes)
	w.close("QueueDescription")
}

// writeTopicDescription writes a topic with its runtime properties.
func writeTopicDescription(w *docWriter, e *broker.EntityInfo, fc filterCounts) {
	p := e.Properties
	w.open("TopicDescription", "xmlns", nsConnect, "xmlns:i", nsInstance)
	w.duration("DefaultMessageTimeToLive", p.DefaultMessageTimeToLive)
	w.int("MaxSizeInMegabytes", int64(p.MaxSizeInMegabytes))
	w.bool("RequiresDuplicateDetection", p.RequiresDuplicateDetection)
	w.duration("DuplicateDetectionHistoryTimeWindow", p.DuplicateDetectionHistoryTimeWindow)
	w.bool("EnableBatchedOperations", p.EnableBatchedOperations)
	w.int("SizeInBytes", e.Counts.SizeInBytes)
	w.bool("FilteringMessagesBeforePublishing", false)
	w.bool("IsAnonymousAccessible", false)
	writeAuthorizationRules(w, p.AuthorizationRules)
	w.text("Status", status(p))
	w.optText("UserMetadata", p.UserMetadata)
	w.time("CreatedAt", e.CreatedAt)
	w.time("UpdatedAt", e.UpdatedAt)
	w.time("AccessedAt", e.AccessedAt)
	w.bool("SupportOrdering", p.SupportOrdering)
	writeCountDetails(w, e.Counts)
	w.int("SubscriptionCount", clampInt32(int64(e.SubscriptionCount)))
	w.duration("AutoDeleteOnIdle", p.AutoDeleteOnIdle)
	w.bool("EnablePartitioning", p.EnablePartitioning)
	w.text("EntityAvailabilityStatus", "Available")
	w.bool("EnableSubscriptionPartitioning", false)
	w.bool("EnableExpress", false)
	w.int("MaxMessageSizeInKilobytes", p.MaxMessageSizeInKilobytes)
	w.int("SqlFilterCount", clampInt32(fc.sql))
	w.int("CorrelationFilterCount", clampInt32(fc.correlation))
	w.close("TopicDescription")
}

// writeSubscriptionDescription writes a subscription with its runtime
// properties.
func writeSubscriptionDescription(w *docWriter, e *broker.EntityInfo) {
	p := e.Properties
	w.open("SubscriptionDescription", "xmlns", nsConnect, "xmlns:i", nsInstance)
	w.duration("LockDuration", p.LockDuration)
	w.bool("RequiresSession", p.RequiresSession)
	w.duration("DefaultMessageTimeToLive", p.DefaultMessageTimeToLive)
	w.bool("DeadLetteringOnMessageExpiration", p.DeadLetteringOnMessageExpiration)
	w.bool("DeadLetteringOnFilterEvaluationExceptions", p.DeadLetteringOnFilterEvaluationExceptions)
	w.int("MessageCount", totalMessages(e.Counts))
	w.int("MaxDeliveryCount", int64(p.MaxDeliveryCount))
	w.bool("EnableBatchedOperations", p.EnableBatchedOperations)
	w.text("Status", status(p))
	w.optText("ForwardTo", p.ForwardTo)
	w.time("CreatedAt", e.CreatedAt)
	w.time("UpdatedAt", e.UpdatedAt)
	w.time("AccessedAt", e.AccessedAt)
	writeCountDetails(w, e.Counts)
	w.duration("AutoDeleteOnIdle", p.AutoDeleteOnIdle)
	w.optText("ForwardDeadLetteredMessagesTo", p.ForwardDeadLetteredMessagesTo)
	w.optText("UserMetadata", p.UserMetadata)
	w.text("EntityAvailabilityStatus", "Available")
	w.close("SubscriptionDescription")
}
