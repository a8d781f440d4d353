// Package config reads the official Service Bus emulator's Config.json.
package config

import (
	"fmt"
	"os"

	"github.com/sbx-tui/sbx/emulator/broker"
)

// Config is a whole Config.json (UserConfig).
type Config struct {
	Namespaces []Namespace
}

// Namespace is one namespace of the config; the emulator serves the first.
type Namespace struct {
	Name   string
	Queues []Queue
	Topics []Topic
}

// Queue from the config. Properties are broker.Defaults overlaid with what
// the file sets.
type Queue struct {
	Name       string
	Properties broker.Properties
}

// Topic from the config.
type Topic struct {
	Name          string
	Properties    broker.Properties
	Subscriptions []Subscription
}

// Subscription from the config. Rules replace the $Default rule when present.
type Subscription struct {
	Name       string
	Properties broker.Properties
	Rules      []broker.Rule
}

// Load reads and validates a Config.json file. Errors name path as given.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return Parse(data, path)
}

// Parse validates a Config.json document; filename is used in errors, which
// name the file, the entity and the field ("Config.json: queue \"orders\":
// Properties.LockDuration: ..."). Validation problems are all reported, one
// per line, in an *Error; a JSON syntax error stops at once and gives its
// line:column.
func Parse(data []byte, filename string) (*Config, error) { return parse(data, filename) }

// Apply creates the first namespace's entities in b.
func (c *Config) Apply(b *broker.Broker) error { return apply(c, b) }
