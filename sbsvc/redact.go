package sbsvc

import (
	"regexp"
	"sort"
	"strings"
	"sync"
)

// Mask replaces a secret wherever sbsvc prints text.
const Mask = "***"

// secretPatterns find secrets by their shape, whatever printed them: a
// connection string's key or signature, a SAS token's sig, an HTTP
// Authorization header, a bearer token or a JWT.
var secretPatterns = []struct {
	re   *regexp.Regexp
	repl string
}{
	// Connection-string style: the value runs to the next ';' (a
	// SharedAccessSignature value contains spaces and '&').
	{regexp.MustCompile(`(?i)\b(SharedAccessKey|SharedAccessSignature|AccountKey|ClientSecret|Password)(\s*=\s*)[^;"'\r\n]*`), `${1}${2}` + Mask},
	// JSON or header style: "key": "value" / key: value.
	{regexp.MustCompile(`(?i)("?(?:SharedAccessKey|SharedAccessSignature|client_secret|access_token|refresh_token|password)"?\s*:\s*)("[^"]*"|[^\s,}]+)`), `${1}"` + Mask + `"`},
	// A SAS token's signature inside a URL query or token string.
	{regexp.MustCompile(`(?i)\b(sig=)[^&;\s"']+`), `${1}` + Mask},
	// Authorization headers and bearer tokens.
	{regexp.MustCompile(`(?i)\b(Authorization\s*[:=]\s*)[^\r\n"]+`), `${1}` + Mask},
	{regexp.MustCompile(`(?i)\b(Bearer\s+)[A-Za-z0-9\-._~+/]+=*`), `${1}` + Mask},
	// A JWT anywhere (Entra ID access tokens).
	{regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*`), Mask},
}

// minSecretLen keeps RegisterSecret from masking ordinary words: a value
// shorter than this is left to the pattern rules.
const minSecretLen = 6

var secrets struct {
	sync.RWMutex
	values []string // longest first, so a secret containing another is masked whole
}

// RegisterSecret makes Redact mask s wherever it appears, whatever surrounds
// it. ParseConnectionString registers every key and signature it sees, so a
// secret quoted in an odd place (an SDK error, a URL) is still masked.
func RegisterSecret(s string) {
	if len(s) < minSecretLen {
		return
	}
	secrets.Lock()
	defer secrets.Unlock()
	for _, v := range secrets.values {
		if v == s {
			return
		}
	}
	secrets.values = append(secrets.values, s)
	sort.Slice(secrets.values, func(i, j int) bool { return len(secrets.values[i]) > len(secrets.values[j]) })
}

// Redact masks every secret in s: registered values first, then anything
// shaped like a key, signature or token.
func Redact(s string) string {
	secrets.RLock()
	for _, v := range secrets.values {
		if strings.Contains(s, v) {
			s = strings.ReplaceAll(s, v, Mask)
		}
	}
	secrets.RUnlock()
	for _, p := range secretPatterns {
		s = p.re.ReplaceAllString(s, p.repl)
	}
	return s
}
