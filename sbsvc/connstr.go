package sbsvc

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
)

// ConnectionString is a parsed Service Bus connection string. The key and
// signature are unexported and every way of printing it (String, GoString,
// slog) masks them.
type ConnectionString struct {
	Endpoint               string // as given, e.g. "sb://contoso.servicebus.windows.net/"
	FQDN                   string // the endpoint's host, with its port when one was given
	KeyName                string // SharedAccessKeyName
	EntityPath             string // the entity the string is scoped to, "" for the namespace
	UseDevelopmentEmulator bool

	key       string // SharedAccessKey
	signature string // SharedAccessSignature
}

// connection-string keys, matched case-insensitively as the SDK does.
const (
	csEndpoint   = "endpoint"
	csKeyName    = "sharedaccesskeyname"
	csKey        = "sharedaccesskey"
	csSignature  = "sharedaccesssignature"
	csEntityPath = "entitypath"
	csEmulator   = "usedevelopmentemulator"
)

// parseErr builds the connection-string error. msg must never contain a
// value that could be a secret: callers pass key names and positions only.
func parseErr(msg string) error {
	return newError(KindConnectionString, "parse connection string", "", errors.New(msg))
}

// ParseConnectionString checks s the way the SDK will read it, but with one
// distinct message per problem. No message ever quotes the key or the
// signature (nor any value, except the UseDevelopmentEmulator flag).
func ParseConnectionString(s string) (ConnectionString, error) {
	var cs ConnectionString
	if strings.TrimSpace(s) == "" {
		return cs, parseErr("the connection string is empty")
	}
	seen := map[string]bool{}
	var emulatorFlag string
	for i, part := range strings.Split(s, ";") {
		if strings.TrimSpace(part) == "" {
			continue // trailing or doubled ';'
		}
		name, value, ok := strings.Cut(part, "=")
		if !ok {
			return cs, parseErr(fmt.Sprintf("part %d has no '=' (expected Name=Value pairs separated by ';')", i+1))
		}
		name = strings.TrimSpace(name)
		lname := strings.ToLower(name)
		if seen[lname] {
			return cs, parseErr(fmt.Sprintf("%s is given more than once", name))
		}
		seen[lname] = true
		switch lname {
		case csEndpoint:
			cs.Endpoint = strings.TrimSpace(value)
		case csKeyName:
			cs.KeyName = strings.TrimSpace(value)
		case csKey:
			cs.key = value
			RegisterSecret(value)
		case csSignature:
			cs.signature = value
			RegisterSecret(value)
			registerSignatureParts(value)
		case csEntityPath:
			cs.EntityPath = strings.Trim(strings.TrimSpace(value), "/")
		case csEmulator:
			emulatorFlag = strings.TrimSpace(value)
		default:
			const known = "(known: Endpoint, SharedAccessKeyName, SharedAccessKey, SharedAccessSignature, EntityPath, UseDevelopmentEmulator)"
			if !looksLikeKeyName(name) {
				// A stray piece of a key pasted on its own also reads as
				// "name=value": never echo it.
				return cs, parseErr(fmt.Sprintf("part %d is not a known Name=Value pair %s", i+1, known))
			}
			return cs, parseErr(fmt.Sprintf("unknown key %q %s", name, known))
		}
	}
	if emulatorFlag != "" {
		v, err := strconv.ParseBool(emulatorFlag)
		if err != nil {
			return cs, parseErr(fmt.Sprintf("UseDevelopmentEmulator must be true or false, not %q", emulatorFlag))
		}
		cs.UseDevelopmentEmulator = v
	}
	if err := cs.checkEndpoint(); err != nil {
		return cs, err
	}
	if err := cs.checkCredentials(seen); err != nil {
		return cs, err
	}
	return cs, nil
}

func (cs *ConnectionString) checkEndpoint() error {
	if cs.Endpoint == "" {
		return parseErr("Endpoint is missing (expected Endpoint=sb://<namespace>.servicebus.windows.net/)")
	}
	u, err := url.Parse(cs.Endpoint)
	if err != nil {
		return parseErr("Endpoint is not a valid URL (expected sb://<namespace>.servicebus.windows.net/)")
	}
	if !strings.EqualFold(u.Scheme, "sb") {
		if u.Scheme == "" {
			return parseErr("Endpoint has no scheme (expected sb://<namespace>.servicebus.windows.net/)")
		}
		return parseErr(fmt.Sprintf("Endpoint scheme must be sb://, not %s://", u.Scheme))
	}
	if u.Host == "" {
		return parseErr("Endpoint has no host name (expected sb://<namespace>.servicebus.windows.net/)")
	}
	if u.User != nil {
		return parseErr("Endpoint must not carry user information")
	}
	cs.FQDN = u.Host
	return nil
}

func (cs *ConnectionString) checkCredentials(seen map[string]bool) error {
	hasKey := seen[csKey]
	hasSig := seen[csSignature]
	switch {
	case hasKey && hasSig:
		return parseErr("give either SharedAccessKey or SharedAccessSignature, not both")
	case hasSig:
		if strings.TrimSpace(cs.signature) == "" {
			return parseErr("SharedAccessSignature is empty")
		}
		return nil
	case hasKey && !seen[csKeyName]:
		return parseErr("SharedAccessKeyName is missing (it names the policy the SharedAccessKey belongs to)")
	case hasKey && cs.KeyName == "":
		return parseErr("SharedAccessKeyName is empty")
	case hasKey && strings.TrimSpace(cs.key) == "":
		return parseErr("SharedAccessKey is empty")
	case hasKey:
		return nil
	case seen[csKeyName]:
		return parseErr("SharedAccessKey is missing (SharedAccessKeyName is given without its key)")
	default:
		return parseErr("no credentials: add SharedAccessKeyName and SharedAccessKey, or SharedAccessSignature")
	}
}

// looksLikeKeyName reports a plausible connection-string key name (letters
// only, short), the only kind of unknown name safe to quote back.
func looksLikeKeyName(s string) bool {
	if s == "" || len(s) > 40 {
		return false
	}
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') {
			return false
		}
	}
	return true
}

// registerSignatureParts registers the sig= value of a SAS token on its own,
// since SDK errors may quote the token in pieces.
func registerSignatureParts(token string) {
	for _, field := range strings.FieldsFunc(token, func(r rune) bool { return r == '&' || r == ' ' }) {
		if v, ok := strings.CutPrefix(strings.ToLower(field), "sig="); ok && v != "" {
			RegisterSecret(field[len("sig="):])
		}
	}
}

// HasKey reports whether the string carries a shared access key.
func (cs ConnectionString) HasKey() bool { return cs.key != "" }

// HasSignature reports whether the string carries a shared access signature.
func (cs ConnectionString) HasSignature() bool { return cs.signature != "" }

// sdkString is the connection string handed to the SDK, secrets included.
// It never leaves the package.
func (cs ConnectionString) sdkString() string {
	return cs.format(cs.key, cs.signature)
}

func (cs ConnectionString) format(key, signature string) string {
	var b strings.Builder
	b.WriteString("Endpoint=" + cs.Endpoint + ";")
	if cs.KeyName != "" {
		b.WriteString("SharedAccessKeyName=" + cs.KeyName + ";")
	}
	if cs.key != "" {
		b.WriteString("SharedAccessKey=" + key + ";")
	}
	if cs.signature != "" {
		b.WriteString("SharedAccessSignature=" + signature + ";")
	}
	if cs.EntityPath != "" {
		b.WriteString("EntityPath=" + cs.EntityPath + ";")
	}
	if cs.UseDevelopmentEmulator {
		b.WriteString("UseDevelopmentEmulator=true;")
	}
	return b.String()
}

// Redacted is the connection string with the key and signature masked.
func (cs ConnectionString) Redacted() string { return cs.format(Mask, Mask) }

// String is Redacted: a connection string is never printed whole.
func (cs ConnectionString) String() string { return cs.Redacted() }

// GoString keeps %#v from printing the secret fields.
func (cs ConnectionString) GoString() string { return "sbsvc.ConnectionString(" + cs.Redacted() + ")" }

// LogValue keeps slog from printing the secret fields.
func (cs ConnectionString) LogValue() slog.Value { return slog.StringValue(cs.Redacted()) }
