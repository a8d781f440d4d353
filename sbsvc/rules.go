package sbsvc

import (
	"fmt"
	"sort"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus/admin"
)

// ruleFrom turns the admin package's rule into text the TUI can show.
func ruleFrom(r admin.RuleProperties) Rule {
	out := Rule{Name: r.Name}
	switch f := r.Filter.(type) {
	case *admin.SQLFilter:
		out.FilterKind, out.Filter = "sql", f.Expression
	case *admin.CorrelationFilter:
		out.FilterKind, out.Filter = "correlation", correlationText(f)
	case *admin.TrueFilter:
		out.FilterKind, out.Filter = "true", "1=1"
	case *admin.FalseFilter:
		out.FilterKind, out.Filter = "false", "1=0"
	case *admin.UnknownRuleFilter:
		out.FilterKind = f.Type
	case nil:
		out.FilterKind = "none"
	default:
		out.FilterKind = fmt.Sprintf("%T", f)
	}
	if a, ok := r.Action.(*admin.SQLAction); ok && a != nil {
		out.Action = a.Expression
	}
	return out
}

// correlationText lists a correlation filter's set fields as name = 'value',
// in a fixed order so the view does not shuffle between refreshes.
func correlationText(f *admin.CorrelationFilter) string {
	var parts []string
	add := func(name string, v *string) {
		if v != nil {
			parts = append(parts, fmt.Sprintf("%s = '%s'", name, *v))
		}
	}
	add("CorrelationId", f.CorrelationID)
	add("MessageId", f.MessageID)
	add("To", f.To)
	add("ReplyTo", f.ReplyTo)
	add("Label", f.Subject)
	add("SessionId", f.SessionID)
	add("ReplyToSessionId", f.ReplyToSessionID)
	add("ContentType", f.ContentType)
	keys := make([]string, 0, len(f.ApplicationProperties))
	for k := range f.ApplicationProperties {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s = %v", k, f.ApplicationProperties[k]))
	}
	return strings.Join(parts, " AND ")
}
