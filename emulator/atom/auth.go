package atom

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// sasToken is a parsed "SharedAccessSignature sr=…&sig=…&se=…&skn=…" header.
type sasToken struct {
	resource  string // sr exactly as sent (already URL-encoded by the signer)
	signature []byte
	expiry    string
	keyName   string
}

func parseSAS(header string) (sasToken, error) {
	const prefix = "SharedAccessSignature "
	if len(header) < len(prefix) || !strings.EqualFold(header[:len(prefix)], prefix) {
		return sasToken{}, errors.New("the Authorization header is not a SharedAccessSignature")
	}
	var t sasToken
	var sig string
	for _, part := range strings.Split(strings.TrimSpace(header[len(prefix):]), "&") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "sr":
			t.resource = v
		case "sig":
			sig = v
		case "se":
			t.expiry = v
		case "skn":
			t.keyName = v
		}
	}
	if t.resource == "" || sig == "" || t.expiry == "" {
		return sasToken{}, errors.New("the SharedAccessSignature lacks sr, sig or se")
	}
	unescaped, err := url.QueryUnescape(sig)
	if err != nil {
		return sasToken{}, errors.New("the SharedAccessSignature's sig is not URL-encoded")
	}
	t.signature, err = base64.StdEncoding.DecodeString(unescaped)
	if err != nil {
		return sasToken{}, errors.New("the SharedAccessSignature's sig is not base64")
	}
	return t, nil
}

// verifySAS checks that header carries a token signed with key (and, when
// keyName is set, issued for that key name) that has not expired.
func verifySAS(header, keyName, key string, now time.Time) error {
	if header == "" {
		return errors.New("the request has no Authorization header")
	}
	t, err := parseSAS(header)
	if err != nil {
		return err
	}
	if keyName != "" && t.keyName != keyName {
		return fmt.Errorf("the token is signed with key %q, not %q", t.keyName, keyName)
	}
	se, err := strconv.ParseInt(t.expiry, 10, 64)
	if err != nil {
		return errors.New("the SharedAccessSignature's se is not a Unix time")
	}
	if now.Unix() > se {
		return errors.New("the SharedAccessSignature has expired")
	}
	// The signer hashes the resource as it appears in the token; some
	// clients put it unencoded, so the canonical encoding is tried as well.
	candidates := []string{t.resource}
	if raw, err := url.QueryUnescape(t.resource); err == nil {
		if alt := strings.ToLower(url.QueryEscape(raw)); alt != t.resource {
			candidates = append(candidates, alt)
		}
	}
	for _, sr := range candidates {
		mac := hmac.New(sha256.New, []byte(key))
		mac.Write([]byte(sr + "\n" + t.expiry))
		if hmac.Equal(mac.Sum(nil), t.signature) {
			return nil
		}
	}
	return errors.New("the SharedAccessSignature's signature does not match the namespace key")
}
