// Package config reads the official Service Bus emulator's Config.json.
package config

// This file fixes the package's public API; "not implemented" bodies are
// filled in by the loader files.

import "github.com/sbx-tui/sbx/emulator/broker"

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

// Queue from the config.
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

// Load reads and validates a Config.json file.
func Load(path string) (*Config, error) { panic("not implemented") }

// Parse validates a Config.json document; filename is used in errors, which
// name the file, the entity and the field ("Config.json: queue \"orders\":
// Properties.LockDuration: ...").
func Parse(data []byte, filename string) (*Config, error) { panic("not implemented") }

// Apply creates the first namespace's entities in b.
func (c *Config) Apply(b *broker.Broker) error { panic("not implemented") }
