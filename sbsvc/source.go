package sbsvc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Source says how to reach one namespace. It comes from the config file,
// the environment or the command line; Connect turns it into a *Namespace.
type Source struct {
	Name   string // display name; "" = the namespace host
	Origin string // "config", "environment" or "flag", for messages

	Auth AuthKind
	// ConnectionString is the resolved secret (never the config file's
	// env:/file: reference). String() masks it.
	ConnectionString string
	// FullyQualifiedNamespace ("contoso.servicebus.windows.net") for
	// Microsoft Entra ID sign-in.
	FullyQualifiedNamespace string
	Entra                   EntraOptions

	// Entity scopes browsing to one queue or "topic/Subscriptions/sub";
	// EntityPath in the connection string does the same. With it, browsing
	// works without Manage rights.
	Entity   string
	ReadOnly bool
	// WebSockets carries AMQP over WebSockets on port 443.
	WebSockets bool
	// AdminEndpoint is a host:port where the management API answers over
	// plain HTTP: the emulator's HTTP port. Emulator connection strings
	// default to port 5300 of their host.
	AdminEndpoint string
}

// String describes the source without its secret.
func (s Source) String() string {
	target := s.FullyQualifiedNamespace
	if s.ConnectionString != "" {
		if cs, err := ParseConnectionString(s.ConnectionString); err == nil {
			target = cs.Redacted()
		} else {
			target = "(unparsable connection string)"
		}
	}
	ro := ""
	if s.ReadOnly {
		ro = ", read-only"
	}
	return fmt.Sprintf("%s [%s from %s%s] %s", s.Name, s.Auth, s.Origin, ro, Redact(target))
}

// GoString keeps %#v from printing the connection string.
func (s Source) GoString() string { return "sbsvc.Source(" + s.String() + ")" }

// Environment variables read by EnvSources.
const (
	EnvConnectionString = "SERVICEBUS_CONNECTION_STRING"
	EnvNamespace        = "AZURE_SERVICEBUS_FULLY_QUALIFIED_NAMESPACE"
)

// EnvSources reads the namespaces named by the environment. getenv is
// os.Getenv outside tests.
func EnvSources(getenv func(string) string) []Source {
	var out []Source
	if cs := strings.TrimSpace(getenv(EnvConnectionString)); cs != "" {
		out = append(out, Source{Origin: "environment", Auth: AuthConnectionString, ConnectionString: cs})
	}
	if ns := strings.TrimSpace(getenv(EnvNamespace)); ns != "" {
		out = append(out, Source{Origin: "environment", Auth: AuthDefault, FullyQualifiedNamespace: ns})
	}
	return out
}

// Flags are the connection flags the CLI fills in.
type Flags struct {
	ConnectionString string // --connection-string (or "env:VAR" / "file:path")
	Namespace        string // --namespace contoso.servicebus.windows.net
	Auth             string // --auth azure-cli …
	TenantID         string
	ClientID         string
	Entity           string // --entity orders
	ReadOnly         bool   // --read-only
	WebSockets       bool   // --websockets
	AdminEndpoint    string // --admin-endpoint 127.0.0.1:5300
}

// Source turns the flags into a source, or reports that none was given.
func (f Flags) Source(getenv func(string) string) (Source, bool, error) {
	if f.ConnectionString == "" && f.Namespace == "" {
		return Source{}, false, nil
	}
	src := Source{
		Origin: "flag", Entity: f.Entity, ReadOnly: f.ReadOnly, WebSockets: f.WebSockets,
		AdminEndpoint: f.AdminEndpoint, FullyQualifiedNamespace: f.Namespace,
		Entra: EntraOptions{TenantID: f.TenantID, ClientID: f.ClientID},
	}
	if f.ConnectionString != "" {
		cs, _, err := resolveSecret(f.ConnectionString, getenv, true)
		if err != nil {
			return Source{}, true, err
		}
		src.Auth, src.ConnectionString = AuthConnectionString, cs
		return src, true, nil
	}
	kind, err := ParseAuthKind(f.Auth)
	if err != nil {
		return Source{}, true, newError(KindAuthentication, "read --auth", "", err)
	}
	src.Auth = kind
	return src, true, nil
}

// ConfigFile is the JSON config file's shape.
type ConfigFile struct {
	Namespaces []ConfigNamespace `json:"namespaces"`
}

// ConfigNamespace is one namespace in the config file. A connection string
// may only be a reference — "env:VAR" or "file:path" — so the file itself
// holds no secret and can be shared.
type ConfigNamespace struct {
	Name                    string `json:"name"`
	Auth                    string `json:"auth,omitempty"`
	ConnectionString        string `json:"connectionString,omitempty"`
	FullyQualifiedNamespace string `json:"fullyQualifiedNamespace,omitempty"`
	TenantID                string `json:"tenantId,omitempty"`
	ClientID                string `json:"clientId,omitempty"`
	Entity                  string `json:"entity,omitempty"`
	ReadOnly                bool   `json:"readOnly,omitempty"`
	WebSockets              bool   `json:"webSockets,omitempty"`
	AdminEndpoint           string `json:"adminEndpoint,omitempty"`
}

// DefaultConfigPath is <user config dir>/sbx/config.json.
func DefaultConfigPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "sbx", "config.json"), nil
}

// LoadConfig reads the config file at path. A missing file is no error
// (nil sources). Warnings name secret files that group or others can read.
func LoadConfig(path string, getenv func(string) string) (sources []Source, warnings []string, err error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("config %s: %w", path, err)
	}
	var cf ConfigFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cf); err != nil {
		return nil, nil, fmt.Errorf("config %s: %w", path, err)
	}
	seen := map[string]bool{}
	for i, n := range cf.Namespaces {
		where := fmt.Sprintf("config %s: namespace %d", path, i+1)
		if n.Name == "" {
			return nil, warnings, fmt.Errorf("%s: name is missing", where)
		}
		where = fmt.Sprintf("config %s: namespace %q", path, n.Name)
		if seen[n.Name] {
			return nil, warnings, fmt.Errorf("%s: the name is used twice", where)
		}
		seen[n.Name] = true
		src, warn, err := n.source(getenv, filepath.Dir(path))
		if err != nil {
			return nil, warnings, fmt.Errorf("%s: %w", where, err)
		}
		if warn != "" {
			warnings = append(warnings, where+": "+warn)
		}
		sources = append(sources, src)
	}
	return sources, warnings, nil
}

func (n ConfigNamespace) source(getenv func(string) string, baseDir string) (Source, string, error) {
	src := Source{
		Name: n.Name, Origin: "config", Entity: n.Entity, ReadOnly: n.ReadOnly,
		WebSockets: n.WebSockets, AdminEndpoint: n.AdminEndpoint,
		FullyQualifiedNamespace: n.FullyQualifiedNamespace,
		Entra:                   EntraOptions{TenantID: n.TenantID, ClientID: n.ClientID},
	}
	kind := AuthDefault
	if n.ConnectionString != "" {
		kind = AuthConnectionString
	}
	if n.Auth != "" {
		k, err := ParseAuthKind(n.Auth)
		if err != nil {
			return src, "", err
		}
		kind = k
	}
	src.Auth = kind
	switch {
	case kind == AuthConnectionString && n.ConnectionString == "":
		return src, "", errors.New(`auth "connection-string" needs connectionString ("env:VAR" or "file:path")`)
	case kind != AuthConnectionString && n.ConnectionString != "":
		return src, "", fmt.Errorf("connectionString is given but auth is %q", kind)
	case kind != AuthConnectionString && n.FullyQualifiedNamespace == "":
		return src, "", errors.New("fullyQualifiedNamespace is missing")
	case kind != AuthConnectionString:
		return src, "", nil
	}
	if filePath, ok := strings.CutPrefix(n.ConnectionString, "file:"); ok && !filepath.IsAbs(filePath) {
		n.ConnectionString = "file:" + filepath.Join(baseDir, filePath)
	}
	cs, warn, err := resolveSecret(n.ConnectionString, getenv, false)
	if err != nil {
		return src, "", err
	}
	src.ConnectionString = cs
	return src, warn, nil
}

// resolveSecret reads an "env:VAR" or "file:path" reference. literalOK
// allows a plain value (flags); the config file must not hold one.
func resolveSecret(ref string, getenv func(string) string, literalOK bool) (value, warning string, err error) {
	switch {
	case strings.HasPrefix(ref, "env:"):
		name := strings.TrimPrefix(ref, "env:")
		v := strings.TrimSpace(getenv(name))
		if v == "" {
			return "", "", fmt.Errorf("environment variable %s is empty or not set", name)
		}
		return v, "", nil
	case strings.HasPrefix(ref, "file:"):
		p := strings.TrimPrefix(ref, "file:")
		info, err := os.Stat(p)
		if err != nil {
			return "", "", fmt.Errorf("secret file: %w", err)
		}
		if info.Mode().Perm()&0o077 != 0 {
			warning = fmt.Sprintf("secret file %s is readable by group or others (mode %v); chmod 600 it", p, info.Mode().Perm())
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return "", "", fmt.Errorf("secret file: %w", err)
		}
		v := strings.TrimSpace(string(data))
		if v == "" {
			return "", "", fmt.Errorf("secret file %s is empty", p)
		}
		return v, warning, nil
	case literalOK:
		return ref, "", nil
	}
	return "", "", errors.New(`connectionString must be a reference, "env:VAR" or "file:path" — the config file must not hold the secret itself`)
}

// Sources gathers every source: the config file, then the environment,
// then the flags, in that order (the TUI lists them so).
func Sources(configPath string, flags Flags, getenv func(string) string) (sources []Source, warnings []string, err error) {
	if configPath != "" {
		sources, warnings, err = LoadConfig(configPath, getenv)
		if err != nil {
			return nil, warnings, err
		}
	}
	sources = append(sources, EnvSources(getenv)...)
	fs, ok, err := flags.Source(getenv)
	if err != nil {
		return nil, warnings, err
	}
	if ok {
		sources = append(sources, fs)
	}
	return sources, warnings, nil
}
