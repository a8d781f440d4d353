package config

import "strings"

// sampleConfig is the official emulator's sample Config.json layout.
const sampleConfig = `{
  "UserConfig": {
    "Namespaces": [
      {
        "Name": "sbemulatorns",
        "Queues": [
          {
            "Name": "queue.1",
            "Properties": {
              "DeadLetteringOnMessageExpiration": false,
              "DefaultMessageTimeToLive": "PT1H",
              "DuplicateDetectionHistoryTimeWindow": "PT20S",
              "ForwardDeadLetteredMessagesTo": "",
              "ForwardTo": "",
              "LockDuration": "PT1M",
              "MaxDeliveryCount": 3,
              "RequiresDuplicateDetection": false,
              "RequiresSession": false
            }
          }
        ],
        "Topics": [
          {
            "Name": "topic.1",
            "Properties": {
              "DefaultMessageTimeToLive": "PT1H",
              "DuplicateDetectionHistoryTimeWindow": "PT20S",
              "RequiresDuplicateDetection": false
            },
            "Subscriptions": [
              {
                "Name": "subscription.1",
                "Properties": {
                  "DeadLetteringOnMessageExpiration": false,
                  "DefaultMessageTimeToLive": "PT1H",
                  "LockDuration": "PT1M",
                  "MaxDeliveryCount": 3,
                  "ForwardDeadLetteredMessagesTo": "",
                  "ForwardTo": "",
                  "RequiresSession": false
                },
                "Rules": [
                  {
                    "Name": "app-prop-filter-1",
                    "Properties": {
                      "FilterType": "Correlation",
                      "CorrelationFilter": {
                        "ContentType": "application/text",
                        "CorrelationId": "id1",
                        "Label": "subject1",
                        "MessageId": "msgid1",
                        "ReplyTo": "someQueue",
                        "ReplyToSessionId": "sessionId",
                        "SessionId": "session1",
                        "To": "xyz",
                        "Properties": { "prop1": "value1" }
                      }
                    }
                  },
                  {
                    "Name": "sql-filter-1",
                    "Properties": {
                      "FilterType": "Sql",
                      "SqlFilter": { "SqlExpression": "sys.MessageId = '123456' AND userProp1 = 'value1'" },
                      "Action": { "SqlExpression": "SET sys.To = 'Entity'" }
                    }
                  }
                ]
              }
            ]
          }
        ]
      }
    ],
    "Logging": { "Type": "File" }
  }
}`

// doc wraps queue and topic JSON arrays (without brackets) in a namespace.
func doc(queues, topics string) string {
	var sb strings.Builder
	sb.WriteString(`{"UserConfig": {"Namespaces": [{"Name": "ns", "Queues": [`)
	sb.WriteString(queues)
	sb.WriteString(`], "Topics": [`)
	sb.WriteString(topics)
	sb.WriteString(`]}], "Logging": {"Type": "Console"}}}`)
	return sb.String()
}

// sub wraps subscription JSON in a topic "t".
func sub(subs string) string {
	return doc("", `{"Name": "t", "Properties": {}, "Subscriptions": [`+subs+`]}`)
}

// rules wraps rule JSON in subscription "s" of topic "t".
func rules(r string) string {
	return sub(`{"Name": "s", "Properties": {}, "Rules": [` + r + `]}`)
}
