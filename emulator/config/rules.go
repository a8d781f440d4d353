package config

import (
	"fmt"
	"sort"
	"strings"

	"github.com/sbx-tui/sbx/emulator/broker"
	"github.com/sbx-tui/sbx/emulator/broker/sqlfilter"
)

func (l *loader) rule(data []byte, lbl string) (broker.Rule, bool) {
	var raw rawRule
	if !l.decode(data, &raw, lbl, knownRule) {
		return broker.Rule{}, false
	}
	r := raw.Properties
	rule := broker.Rule{Name: raw.Name}
	kind := ""
	if r.FilterType != nil {
		kind = strings.ToLower(*r.FilterType)
	} else {
		// Infer the type when only one filter is given.
		switch {
		case r.SqlFilter != nil && r.CorrelationFilter == nil:
			kind = "sql"
		case r.CorrelationFilter != nil && r.SqlFilter == nil:
			kind = "correlation"
		default:
			l.addf(lbl, "Properties.FilterType is missing (Sql or Correlation)")
			return rule, false
		}
	}
	switch kind {
	case "sql":
		if r.CorrelationFilter != nil {
			l.addf(lbl, "Properties.CorrelationFilter: set, but FilterType is Sql")
		}
		expr := ""
		if r.SqlFilter != nil && r.SqlFilter.SqlExpression != nil {
			expr = *r.SqlFilter.SqlExpression
		}
		if strings.TrimSpace(expr) == "" {
			l.addf(lbl, "Properties.SqlFilter.SqlExpression is missing")
		} else if _, err := sqlfilter.Parse(expr); err != nil {
			l.addf(lbl, "Properties.SqlFilter.SqlExpression: %v", err)
		}
		rule.Filter = broker.Filter{Kind: broker.FilterSQL, SQLExpression: expr}
	case "correlation":
		if r.SqlFilter != nil {
			l.addf(lbl, "Properties.SqlFilter: set, but FilterType is Correlation")
		}
		if r.CorrelationFilter == nil {
			l.addf(lbl, "Properties.CorrelationFilter is missing")
			return rule, false
		}
		rule.Filter = broker.Filter{Kind: broker.FilterCorrelation, Correlation: l.correlation(lbl, r.CorrelationFilter)}
	default:
		l.addf(lbl, "Properties.FilterType: %q is not Sql or Correlation", *r.FilterType)
		return rule, false
	}
	if r.Action != nil && r.Action.SqlExpression != nil {
		if _, err := sqlfilter.ParseAction(*r.Action.SqlExpression); err != nil {
			l.addf(lbl, "Properties.Action.SqlExpression: %v", err)
		}
		rule.Action = strings.TrimSpace(*r.Action.SqlExpression)
	}
	return rule, true
}

func (l *loader) correlation(lbl string, c *rawCorrelation) *broker.CorrelationFilter {
	subject := c.Label
	if c.Subject != "" {
		if c.Label != "" && c.Label != c.Subject {
			l.addf(lbl, "Properties.CorrelationFilter: Label %q and Subject %q disagree (they are the same property)", c.Label, c.Subject)
		}
		subject = c.Subject
	}
	f := &broker.CorrelationFilter{
		CorrelationID:    c.CorrelationId,
		MessageID:        c.MessageId,
		To:               c.To,
		ReplyTo:          c.ReplyTo,
		Subject:          subject,
		SessionID:        c.SessionId,
		ReplyToSessionID: c.ReplyToSessionId,
		ContentType:      c.ContentType,
	}
	if len(c.Properties) > 0 {
		f.Properties = make(map[string]any, len(c.Properties))
		keys := make([]string, 0, len(c.Properties))
		for k := range c.Properties {
			keys = append(keys, k)
		}
		sort.Strings(keys) // stable error order
		for _, k := range keys {
			v, ok := jsonScalar(c.Properties[k])
			if !ok {
				l.addf(lbl, "Properties.CorrelationFilter.Properties.%s: must be a string, number or boolean", k)
				continue
			}
			f.Properties[k] = v
		}
	}
	return f
}

// Name rules of the service: queues and topics up to 260 characters of
// letters, digits, '.', '-', '_' and '/' (not at either end); subscriptions
// and rules up to 50, without '/'. Rule names may start with '$' ($Default).

func entityNameProblem(name string) string {
	if msg := nameChars(name, 260, "./-_"); msg != "" {
		return msg
	}
	if strings.HasPrefix(name, "/") || strings.HasSuffix(name, "/") {
		return fmt.Sprintf("%q cannot start or end with '/'", name)
	}
	return ""
}

func subscriptionNameProblem(name string) string { return nameChars(name, 50, ".-_") }

func ruleNameProblem(name string) string {
	return nameChars(strings.TrimPrefix(name, "$"), 50, ".-_")
}

func nameChars(name string, max int, extra string) string {
	switch {
	case name == "":
		return "is missing"
	case len(name) > max:
		return fmt.Sprintf("%q is longer than %d characters", name, max)
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(extra, r)) {
			return fmt.Sprintf("%q contains %q; use letters, digits and %s", name, r, strings.Join(strings.Split(extra, ""), " "))
		}
	}
	return ""
}
