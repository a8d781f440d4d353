package sbsvc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"
	"github.com/Azure/go-amqp"
)

func TestEveryKindHasNameAndRemedy(t *testing.T) {
	names := map[string]Kind{}
	remedies := map[string]Kind{}
	for _, k := range AllKinds {
		info, ok := kindTable[k]
		if !ok || info.name == "" || info.remedy == "" {
			t.Errorf("kind %d has no name or remedy", int(k))
			continue
		}
		if other, dup := names[info.name]; dup {
			t.Errorf("kinds %d and %d share the name %q", other, k, info.name)
		}
		if other, dup := remedies[info.remedy]; dup {
			t.Errorf("kinds %v and %v share a remedy", other, k)
		}
		names[info.name], remedies[info.remedy] = k, k
		if n := strings.Count(info.remedy, ". ") + 1; n > 2 {
			t.Errorf("remedy for %v has %d sentences, want at most 2", k, n)
		}
	}
	if len(kindTable) != len(AllKinds) {
		t.Errorf("kindTable has %d kinds, AllKinds %d", len(kindTable), len(AllKinds))
	}
}

func TestErrorFormat(t *testing.T) {
	err := classify("peek", "orders/$DeadLetterQueue", &amqp.Error{Condition: amqp.ErrCondNotFound, Description: "no such entity"})
	got := err.Error()
	want := "peek orders/$DeadLetterQueue: not found: *Error{Condition: amqp:not-found, Description: no such entity, Info: map[]} — Remedy: " + KindNotFound.Remedy()
	if got != want {
		t.Errorf("Error() =\n%q\nwant\n%q", got, want)
	}
	if !errors.Is(err, &Error{Kind: KindNotFound}) || errors.Is(err, &Error{Kind: KindTimeout}) {
		t.Error("errors.Is by kind does not work")
	}
	var amqpErr *amqp.Error
	if !errors.As(err, &amqpErr) {
		t.Error("the cause is not reachable through Unwrap")
	}
	// An *Error passed through classify again keeps its kind and gains the op.
	again := classify("list", "x", newError(KindReadOnly, "", "", errReadOnly))
	if e := again.(*Error); e.Kind != KindReadOnly || e.Op != "list" {
		t.Errorf("reclassified: %+v", e)
	}
	if classify("x", "", nil) != nil {
		t.Error("classify(nil) is not nil")
	}
}

// rpcErr stands in for the SDK's unexported management-link error, which
// classify recognises by its RPCCode method.
type rpcErr struct {
	code int
	desc string
}

func (e rpcErr) Error() string {
	return fmt.Sprintf("rpc: failed, status code %d and description: %s", e.code, e.desc)
}
func (e rpcErr) RPCCode() int { return e.code }

func respErr(status int, code string) error {
	return &azcore.ResponseError{StatusCode: status, ErrorCode: code, RawResponse: &http.Response{StatusCode: status,
		Request: &http.Request{Method: "GET", URL: &url.URL{Scheme: "https", Host: "x.servicebus.windows.net", Path: "/q"}}}}
}

// TestClassifySynthetic covers the sources the emulator cannot produce (or
// produces only through paths tested in errors_emulator_test.go).
func TestClassifySynthetic(t *testing.T) {
	cond := func(c amqp.ErrCond, d string) *amqp.Error { return &amqp.Error{Condition: c, Description: d} }
	cases := []struct {
		name string
		err  error
		want Kind
	}{
		{"cancel", context.Canceled, KindCancelled},
		{"deadline", fmt.Errorf("wrapped: %w", context.DeadlineExceeded), KindTimeout},
		{"already settled", fmt.Errorf("complete: %w", ErrAlreadySettled), KindAlreadySettled},
		{"unauthorized", cond(amqp.ErrCondUnauthorizedAccess, "ExpiredToken: The token is expired"), KindAuthentication},
		{"missing claim", cond(amqp.ErrCondUnauthorizedAccess, "Unauthorized access. 'Listen' claim(s) are required"), KindAuthorisation},
		{"amqp not found", cond(amqp.ErrCondNotFound, ""), KindNotFound},
		{"disabled", cond("com.microsoft:entity-disabled", ""), KindDisabled},
		{"lock lost", cond("com.microsoft:message-lock-lost", ""), KindLockLost},
		{"session lock lost", &amqp.LinkError{RemoteErr: cond("com.microsoft:session-lock-lost", "")}, KindSessionLockLost},
		{"session locked", cond("com.microsoft:session-cannot-be-locked", ""), KindSessionCannotBeLocked},
		{"too big", cond(amqp.ErrCondMessageSizeExceeded, ""), KindMessageSizeExceeded},
		{"quota", cond(amqp.ErrCondResourceLimitExceeded, ""), KindQuotaExceeded},
		{"busy", cond("com.microsoft:server-busy", ""), KindServerBusy},
		{"ms timeout", cond("com.microsoft:timeout", ""), KindTimeout},
		{"op cancelled", cond("com.microsoft:operation-cancelled", ""), KindCancelled},
		{"message not found", cond("com.microsoft:message-not-found", ""), KindMessageNotFound},
		{"conn forced", &amqp.ConnError{RemoteErr: cond(amqp.ErrCondConnectionForced, "")}, KindCommunication},
		{"unknown condition", cond("com.example:odd", ""), KindUnknown},
		{"rpc 401", rpcErr{401, "bad token"}, KindAuthentication},
		{"rpc 403 quota", rpcErr{403, "QuotaExceeded"}, KindQuotaExceeded},
		{"rpc 404", rpcErr{404, "entity missing"}, KindNotFound},
		{"rpc 404 message", rpcErr{404, "message with sequence number 7 was not found"}, KindMessageNotFound},
		{"rpc 408", rpcErr{408, "timeout"}, KindTimeout},
		{"rpc 409 session", rpcErr{409, "session is locked by another client"}, KindSessionCannotBeLocked},
		{"rpc 410", rpcErr{410, "lock expired"}, KindLockLost},
		{"rpc 410 session", rpcErr{410, "session lock expired"}, KindSessionLockLost},
		{"rpc 503", rpcErr{503, "busy"}, KindServerBusy},
		{"http 401", respErr(401, "Unauthorized"), KindAuthentication},
		{"http 403", respErr(403, "Forbidden"), KindAuthorisation},
		{"http 403 quota", respErr(403, "QuotaExceeded"), KindQuotaExceeded},
		{"http 404", respErr(404, "NotFound"), KindNotFound},
		{"http 413", respErr(413, ""), KindMessageSizeExceeded},
		{"http 429", respErr(429, ""), KindServerBusy},
		{"http 503", respErr(503, ""), KindServerBusy},
		{"http 504", respErr(504, ""), KindTimeout},
		{"http 500", respErr(500, ""), KindUnknown},
		{"sdk unauthorized", &azservicebus.Error{Code: azservicebus.CodeUnauthorizedAccess}, KindAuthentication},
		{"sdk connlost", &azservicebus.Error{Code: azservicebus.CodeConnectionLost}, KindCommunication},
		{"sdk locklost", &azservicebus.Error{Code: azservicebus.CodeLockLost}, KindLockLost},
		{"sdk timeout", &azservicebus.Error{Code: azservicebus.CodeTimeout}, KindTimeout},
		{"sdk notfound", &azservicebus.Error{Code: azservicebus.CodeNotFound}, KindNotFound},
		{"eof", io.EOF, KindCommunication},
		{"refused", &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}, KindCommunication},
		{"dns", &net.DNSError{Err: "no such host", Name: "nowhere.invalid"}, KindCommunication},
		{"plain", errors.New("something odd"), KindUnknown},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wantKind(t, classify("op", "entity", c.err), c.want)
		})
	}
}

func TestErrorNeverShowsSecrets(t *testing.T) {
	RegisterSecret(testKey)
	cause := fmt.Errorf("dial failed for Endpoint=sb://x/;SharedAccessKeyName=R;SharedAccessKey=%s and token SharedAccessSignature sr=x&sig=abcSIGxyz&se=1 (raw %s)", testKey, testKey)
	msg := classify("connect", "", cause).Error()
	assertNoSecret(t, "error", msg)
	if strings.Contains(msg, "abcSIGxyz") {
		t.Errorf("signature leaked: %q", msg)
	}
	if !strings.Contains(msg, "connect: communication") && !strings.Contains(msg, "connect: unknown") {
		t.Errorf("unexpected message %q", msg)
	}
}

func TestRedactPatterns(t *testing.T) {
	cases := map[string]string{
		"SharedAccessKey=abc;x":                        "SharedAccessKey=***;x",
		`{"SharedAccessKey": "abc"}`:                   `{"SharedAccessKey": "***"}`,
		"https://h/q?sig=abc%3d&se=1":                  "https://h/q?sig=***&se=1",
		"Authorization: SharedAccessSignature sr=a":    "Authorization: ***",
		"Bearer abc.def.ghi":                           "Bearer ***",
		"token eyJhbGciOi.eyJzdWIiOiIx.c2lnbmF0dXJl x": "token *** x",
		"nothing secret here":                          "nothing secret here",
	}
	for in, want := range cases {
		if got := Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}
