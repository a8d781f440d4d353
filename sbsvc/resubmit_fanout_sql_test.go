package sbsvc

import (
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"
	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus/admin"
)

func TestSQLFanOutDecidesWhatACopyCanShow(t *testing.T) {
	subject, id := "order.created", "m-1"
	m := &azservicebus.AMQPAnnotatedMessage{
		Properties:            &azservicebus.AMQPAnnotatedMessageProperties{Subject: &subject, MessageID: &id},
		ApplicationProperties: map[string]any{"region": "eu", "amount": int64(1500)},
	}
	cases := []struct {
		expr   string
		params map[string]any
		want   matchResult
	}{
		{"region = 'eu' AND amount > 1000", nil, matchYes},
		{"region = 'us'", nil, matchNo},
		{"sys.Label = 'order.created'", nil, matchYes},
		{"sys.MessageId LIKE 'm-%'", nil, matchYes},
		{"NOT EXISTS(missing)", nil, matchYes},
		{"sys.EnqueuedTimeUtc > '2020-01-01'", nil, matchMaybe}, // stamped by the broker on arrival
		{"region = @r", map[string]any{"@r": "eu"}, matchMaybe}, // parameters are not bound here
		{"region = = 'eu'", nil, matchMaybe},                    // unparsable
	}
	for _, c := range cases {
		f := &admin.SQLFilter{Expression: c.expr, Parameters: c.params}
		var s subRules
		s.filters = []admin.RuleFilter{f}
		s.addSQL(f)
		if got := subscriptionMatch(s, m); got != c.want {
			t.Errorf("%q: %v, want %v", c.expr, got, c.want)
		}
	}
}
