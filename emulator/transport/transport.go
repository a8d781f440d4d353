// Package transport sends the admin client's requests to a plain-HTTP
// emulator. The SDK's admin.Client always builds https://<namespace>/ URLs;
// Rewrite satisfies azcore's policy.Transporter (a Do method) and redirects
// each request to the emulator's HTTP address, leaving the path, query, headers
// and the SAS token (whose audience still names the https URL) untouched.
package transport

import (
	"net/http"
	"time"
)

// Rewrite redirects every request to http://Addr.
type Rewrite struct {
	Addr   string       // host:port of the emulator's HTTP listener
	Client *http.Client // nil: a client with a 30 s timeout
}

var defaultClient = &http.Client{Timeout: 30 * time.Second}

// Do implements policy.Transporter.
func (t *Rewrite) Do(req *http.Request) (*http.Response, error) {
	out := req.Clone(req.Context())
	u := *req.URL
	u.Scheme = "http"
	u.Host = t.Addr
	out.URL = &u
	out.Host = t.Addr
	c := t.Client
	if c == nil {
		c = defaultClient
	}
	return c.Do(out)
}
