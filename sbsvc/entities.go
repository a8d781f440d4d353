package sbsvc

import (
	"context"
	"sort"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus/admin"
)

// EntityKind is a queue, topic or subscription.
type EntityKind int

const (
	QueueEntity EntityKind = iota
	TopicEntity
	SubscriptionEntity
)

func (k EntityKind) String() string {
	switch k {
	case TopicEntity:
		return "topic"
	case SubscriptionEntity:
		return "subscription"
	}
	return "queue"
}

// Counts are an entity's runtime message counts.
type Counts struct {
	Active, DeadLetter, Scheduled, Transfer, TransferDeadLetter, Total int64
}

// Entity is a queue, topic or subscription with its settings and runtime
// properties.
type Entity struct {
	Kind  EntityKind
	Name  string // queue or topic name, or the subscription's own name
	Topic string // the subscription's topic
	Ref   EntityRef

	// CountsKnown is false when the management API could not be asked
	// (no Manage rights): Counts, sizes and times are then zero, and
	// Note says why.
	CountsKnown bool
	Note        string
	Counts      Counts
	SizeBytes   int64
	MaxSizeMB   int64 // queues and topics
	// MaxMessageSizeKB is the entity's own limit (Premium); 0 = the tier's.
	MaxMessageSizeKB int64

	Status                     string // "Active", "Disabled", "SendDisabled", "ReceiveDisabled"
	LockDuration               time.Duration
	MaxDeliveryCount           int32
	RequiresSession            bool
	DefaultTTL                 time.Duration // Forever when unlimited
	DeadLetteringOnExpiration  bool
	RequiresDuplicateDetection bool
	Partitioned                bool
	AutoDeleteOnIdle           time.Duration
	ForwardTo                  string
	ForwardDeadLetteredTo      string
	SubscriptionCount          int32 // topics

	CreatedAt, UpdatedAt, AccessedAt time.Time
}

// Path is the entity's path ("orders", "events/Subscriptions/audit"; a
// topic's is its name).
func (e Entity) Path() string {
	if e.Kind == TopicEntity {
		return e.Name
	}
	return e.Ref.Path()
}

// noManageNote explains unknown counts.
const noManageNote = "counts need Manage rights"

func ptrVal[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// ListQueues lists every queue with its runtime counts, following the
// management API's pages (100 entries each).
func (ns *Namespace) ListQueues(ctx context.Context) ([]Entity, error) {
	const op = "list queues"
	byName := map[string]*Entity{}
	var out []*Entity
	props := ns.admin.NewListQueuesPager(nil)
	for props.More() {
		page, err := props.NextPage(ctx)
		if err != nil {
			return nil, classify(op, "", err)
		}
		for _, q := range page.Queues {
			e := queueEntity(q.QueueName, q.QueueProperties)
			byName[q.QueueName] = e
			out = append(out, e)
		}
	}
	runtime := ns.admin.NewListQueuesRuntimePropertiesPager(nil)
	for runtime.More() {
		page, err := runtime.NextPage(ctx)
		if err != nil {
			return nil, classify(op, "", err)
		}
		for _, r := range page.QueueRuntimeProperties {
			if e, ok := byName[r.QueueName]; ok {
				applyQueueRuntime(e, r.QueueRuntimeProperties)
			}
		}
	}
	return sortedEntities(out), nil
}

func queueEntity(name string, p admin.QueueProperties) *Entity {
	return &Entity{
		Kind: QueueEntity, Name: name, Ref: EntityRef{Queue: name},
		MaxSizeMB:                  int64(ptrVal(p.MaxSizeInMegabytes)),
		MaxMessageSizeKB:           ptrVal(p.MaxMessageSizeInKilobytes),
		Status:                     string(ptrVal(p.Status)),
		LockDuration:               durationOrZero(p.LockDuration),
		MaxDeliveryCount:           ptrVal(p.MaxDeliveryCount),
		RequiresSession:            ptrVal(p.RequiresSession),
		DefaultTTL:                 durationOrZero(p.DefaultMessageTimeToLive),
		DeadLetteringOnExpiration:  ptrVal(p.DeadLetteringOnMessageExpiration),
		RequiresDuplicateDetection: ptrVal(p.RequiresDuplicateDetection),
		Partitioned:                ptrVal(p.EnablePartitioning),
		AutoDeleteOnIdle:           durationOrZero(p.AutoDeleteOnIdle),
		ForwardTo:                  ptrVal(p.ForwardTo),
		ForwardDeadLetteredTo:      ptrVal(p.ForwardDeadLetteredMessagesTo),
	}
}

func applyQueueRuntime(e *Entity, r admin.QueueRuntimeProperties) {
	e.CountsKnown = true
	e.Counts = Counts{
		Active: int64(r.ActiveMessageCount), DeadLetter: int64(r.DeadLetterMessageCount),
		Scheduled: int64(r.ScheduledMessageCount), Transfer: int64(r.TransferMessageCount),
		TransferDeadLetter: int64(r.TransferDeadLetterMessageCount), Total: r.TotalMessageCount,
	}
	e.SizeBytes = r.SizeInBytes
	e.CreatedAt, e.UpdatedAt, e.AccessedAt = r.CreatedAt, r.UpdatedAt, r.AccessedAt
}

// ListTopics lists every topic with its runtime properties.
func (ns *Namespace) ListTopics(ctx context.Context) ([]Entity, error) {
	const op = "list topics"
	byName := map[string]*Entity{}
	var out []*Entity
	props := ns.admin.NewListTopicsPager(nil)
	for props.More() {
		page, err := props.NextPage(ctx)
		if err != nil {
			return nil, classify(op, "", err)
		}
		for _, t := range page.Topics {
			p := t.TopicProperties
			e := &Entity{
				Kind: TopicEntity, Name: t.TopicName,
				MaxSizeMB:                  int64(ptrVal(p.MaxSizeInMegabytes)),
				MaxMessageSizeKB:           ptrVal(p.MaxMessageSizeInKilobytes),
				Status:                     string(ptrVal(p.Status)),
				DefaultTTL:                 durationOrZero(p.DefaultMessageTimeToLive),
				RequiresDuplicateDetection: ptrVal(p.RequiresDuplicateDetection),
				Partitioned:                ptrVal(p.EnablePartitioning),
				AutoDeleteOnIdle:           durationOrZero(p.AutoDeleteOnIdle),
			}
			byName[t.TopicName] = e
			out = append(out, e)
		}
	}
	runtime := ns.admin.NewListTopicsRuntimePropertiesPager(nil)
	for runtime.More() {
		page, err := runtime.NextPage(ctx)
		if err != nil {
			return nil, classify(op, "", err)
		}
		for _, r := range page.TopicRuntimeProperties {
			if e, ok := byName[r.TopicName]; ok {
				e.CountsKnown = true
				e.Counts.Scheduled = int64(r.ScheduledMessageCount)
				e.SizeBytes = r.SizeInBytes
				e.SubscriptionCount = r.SubscriptionCount
				e.CreatedAt, e.UpdatedAt, e.AccessedAt = r.CreatedAt, r.UpdatedAt, r.AccessedAt
			}
		}
	}
	return sortedEntities(out), nil
}

// ListSubscriptions lists a topic's subscriptions with their counts.
func (ns *Namespace) ListSubscriptions(ctx context.Context, topic string) ([]Entity, error) {
	const op = "list subscriptions"
	byName := map[string]*Entity{}
	var out []*Entity
	props := ns.admin.NewListSubscriptionsPager(topic, nil)
	for props.More() {
		page, err := props.NextPage(ctx)
		if err != nil {
			return nil, classify(op, topic, err)
		}
		for _, s := range page.Subscriptions {
			p := s.SubscriptionProperties
			e := &Entity{
				Kind: SubscriptionEntity, Name: s.SubscriptionName, Topic: topic,
				Ref:                       EntityRef{Topic: topic, Subscription: s.SubscriptionName},
				Status:                    string(ptrVal(p.Status)),
				LockDuration:              durationOrZero(p.LockDuration),
				MaxDeliveryCount:          ptrVal(p.MaxDeliveryCount),
				RequiresSession:           ptrVal(p.RequiresSession),
				DefaultTTL:                durationOrZero(p.DefaultMessageTimeToLive),
				DeadLetteringOnExpiration: ptrVal(p.DeadLetteringOnMessageExpiration),
				AutoDeleteOnIdle:          durationOrZero(p.AutoDeleteOnIdle),
				ForwardTo:                 ptrVal(p.ForwardTo),
				ForwardDeadLetteredTo:     ptrVal(p.ForwardDeadLetteredMessagesTo),
			}
			byName[s.SubscriptionName] = e
			out = append(out, e)
		}
	}
	runtime := ns.admin.NewListSubscriptionsRuntimePropertiesPager(topic, nil)
	for runtime.More() {
		page, err := runtime.NextPage(ctx)
		if err != nil {
			return nil, classify(op, topic, err)
		}
		for _, r := range page.SubscriptionRuntimeProperties {
			if e, ok := byName[r.SubscriptionName]; ok {
				e.CountsKnown = true
				e.Counts = Counts{
					Active: int64(r.ActiveMessageCount), DeadLetter: int64(r.DeadLetterMessageCount),
					Transfer: int64(r.TransferMessageCount), TransferDeadLetter: int64(r.TransferDeadLetterMessageCount),
					Total: r.TotalMessageCount,
				}
				e.CreatedAt, e.UpdatedAt, e.AccessedAt = r.CreatedAt, r.UpdatedAt, r.AccessedAt
			}
		}
	}
	return sortedEntities(out), nil
}

func sortedEntities(in []*Entity) []Entity {
	out := make([]Entity, len(in))
	for i, e := range in {
		out[i] = *e
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Listing is what the entity view shows for a namespace.
type Listing struct {
	Queues, Topics []Entity
	// Limited is true when the namespace was opened without Manage rights:
	// the listing then holds only Scoped, the entity the source names, with
	// unknown counts.
	Limited bool
	Scoped  []Entity
	Note    string
}

// ListEntities lists queues and topics; without Manage rights it returns
// the entity the source was scoped to, marked as having unknown counts.
func (ns *Namespace) ListEntities(ctx context.Context) (Listing, error) {
	if !ns.info.Manage {
		return ns.scopedListing(), nil
	}
	queues, err := ns.ListQueues(ctx)
	if err != nil {
		return Listing{}, err
	}
	topics, err := ns.ListTopics(ctx)
	if err != nil {
		return Listing{}, err
	}
	return Listing{Queues: queues, Topics: topics}, nil
}

// scopedListing describes the scoped entity from its name alone.
func (ns *Namespace) scopedListing() Listing {
	l := Listing{Limited: true, Note: noManageNote}
	ref := ns.info.Scope
	ref.SubQueue, ref.SessionID = Active, ""
	switch {
	case ref.Queue != "":
		l.Scoped = []Entity{{Kind: QueueEntity, Name: ref.Queue, Ref: ref, Note: noManageNote}}
	case ref.Topic != "":
		l.Scoped = []Entity{{Kind: SubscriptionEntity, Name: ref.Subscription, Topic: ref.Topic, Ref: ref, Note: noManageNote}}
	}
	return l
}

// Rule is a subscription rule: its filter and action as text.
type Rule struct {
	Name       string
	FilterKind string // "sql", "correlation", "true", "false", or the unknown type's name
	Filter     string // SQL expression, or the correlation filter's fields
	Action     string // SQL action, "" for none
}

// ListRules lists a subscription's rules (fetched on demand: one request
// per subscription is too many to do for a whole listing).
func (ns *Namespace) ListRules(ctx context.Context, topic, subscription string) ([]Rule, error) {
	path := EntityRef{Topic: topic, Subscription: subscription}.Path()
	var out []Rule
	pager := ns.admin.NewListRulesPager(topic, subscription, nil)
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return nil, classify("list rules", path, err)
		}
		for _, r := range page.Rules {
			out = append(out, ruleFrom(r))
		}
	}
	return out, nil
}
