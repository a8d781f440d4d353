package sbsvc

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/messaging/azservicebus"
	"github.com/Azure/go-amqp"
)

// ErrAlreadySettled is what settlement code returns (wrapped by classify)
// when a message has been settled before; the service gives no wire error
// for it, so the client side has to say it.
var ErrAlreadySettled = errors.New("message already settled")

// conditionKinds maps AMQP error conditions (wire-contract §15.3, and the
// vendor conditions the service documents) to kinds.
var conditionKinds = map[amqp.ErrCond]Kind{
	amqp.ErrCondUnauthorizedAccess:           KindAuthentication,
	amqp.ErrCondNotFound:                     KindNotFound,
	"com.microsoft:entity-disabled":          KindDisabled,
	"com.microsoft:message-lock-lost":        KindLockLost,
	"com.microsoft:session-lock-lost":        KindSessionLockLost,
	"com.microsoft:session-cannot-be-locked": KindSessionCannotBeLocked,
	amqp.ErrCondMessageSizeExceeded:          KindMessageSizeExceeded,
	amqp.ErrCondResourceLimitExceeded:        KindQuotaExceeded,
	"com.microsoft:server-busy":              KindServerBusy,
	"com.microsoft:timeout":                  KindTimeout,
	"com.microsoft:operation-cancelled":      KindCancelled,
	"com.microsoft:message-not-found":        KindMessageNotFound,
	amqp.ErrCondConnectionForced:             KindCommunication,
	amqp.ErrCondDetachForced:                 KindCommunication,
	amqp.ErrCondFramingError:                 KindCommunication,
	amqp.ErrCondConnectionRedirect:           KindCommunication,
	amqp.ErrCondLinkRedirect:                 KindCommunication,
	amqp.ErrCondStolen:                       KindCommunication,
	amqp.ErrCondResourceDeleted:              KindNotFound,
	"com.microsoft:store-lock-lost":          KindServerBusy,
}

// statusKinds maps HTTP statuses (admin API) and management-link status
// codes (peek, renew …) to kinds. 401 vs 403 follows HTTP: who you are vs
// what you may do.
var statusKinds = map[int]Kind{
	http.StatusUnauthorized:          KindAuthentication,
	http.StatusForbidden:             KindAuthorisation,
	http.StatusNotFound:              KindNotFound,
	http.StatusRequestTimeout:        KindTimeout,
	http.StatusGone:                  KindLockLost,
	http.StatusRequestEntityTooLarge: KindMessageSizeExceeded,
	http.StatusTooManyRequests:       KindServerBusy,
	http.StatusServiceUnavailable:    KindServerBusy,
	http.StatusGatewayTimeout:        KindTimeout,
}

// sdkCodeKinds maps azservicebus.Error codes, used when nothing more precise
// (an AMQP condition, a status) is in the chain.
var sdkCodeKinds = map[azservicebus.Code]Kind{
	azservicebus.CodeUnauthorizedAccess: KindAuthentication,
	azservicebus.CodeConnectionLost:     KindCommunication,
	azservicebus.CodeLockLost:           KindLockLost,
	azservicebus.CodeTimeout:            KindTimeout,
	azservicebus.CodeNotFound:           KindNotFound,
	azservicebus.CodeClosed:             KindCommunication,
}

// rpcCoder matches the SDK's management-link error (internal.RPCError),
// which is not exported but carries its status through RPCCode.
type rpcCoder interface {
	error
	RPCCode() int
}

// classify turns any error from the SDK, the network or a context into an
// *Error with a kind and remedy. It returns nil for nil and keeps an
// existing *Error (filling in Op/Entity when they are empty).
func classify(op, entity string, err error) error {
	if err == nil {
		return nil
	}
	var ours *Error
	if errors.As(err, &ours) {
		if ours.Op == "" && ours.Entity == "" {
			c := *ours
			c.Op, c.Entity = op, entity
			return &c
		}
		return err
	}
	return newError(kindOf(err), op, entity, err)
}

// kindOf looks through err's chain from the most precise evidence to the
// least: context, AMQP condition, status codes, SDK code, credential
// errors, network errors.
func kindOf(err error) Kind {
	switch {
	case errors.Is(err, ErrAlreadySettled):
		return KindAlreadySettled
	case errors.Is(err, context.Canceled):
		return KindCancelled
	case errors.Is(err, context.DeadlineExceeded):
		return KindTimeout
	case errors.Is(err, azservicebus.ErrMessageTooLarge):
		return KindMessageSizeExceeded
	}

	var amqpErr *amqp.Error
	if errors.As(err, &amqpErr) {
		if k, ok := conditionKinds[amqpErr.Condition]; ok {
			return refineAuth(k, amqpErr.Description)
		}
	}

	var rpc rpcCoder
	if errors.As(err, &rpc) {
		if k, ok := statusKind(rpc.RPCCode(), rpc.Error()); ok {
			return k
		}
	}

	var resp *azcore.ResponseError
	if errors.As(err, &resp) {
		// Only the code: ResponseError.Error() reads the request URL and
		// would panic on a response built without one.
		if k, ok := statusKind(resp.StatusCode, resp.ErrorCode); ok {
			return k
		}
	}

	var sbErr *azservicebus.Error
	if errors.As(err, &sbErr) {
		if k, ok := sdkCodeKinds[sbErr.Code]; ok {
			return refineAuth(k, sbErr.Error())
		}
	}

	var authFailed *azidentity.AuthenticationFailedError
	if errors.As(err, &authFailed) {
		return KindAuthentication
	}
	// azidentity's "credential unavailable" error is unexported; its
	// NonRetriable marker plus the package's wording identify it.
	var nonRetriable interface{ NonRetriable() }
	if errors.As(err, &nonRetriable) && strings.Contains(strings.ToLower(err.Error()), "credential") {
		return KindAuthentication
	}

	if isCommunication(err) {
		return KindCommunication
	}
	return KindUnknown
}

// statusKind maps a status code, with the text to tell apart the cases that
// share one (a 403 for a full entity, a 409 for a locked session).
func statusKind(code int, text string) (Kind, bool) {
	lower := strings.ToLower(text)
	switch {
	case code == http.StatusForbidden && strings.Contains(lower, "quota"):
		return KindQuotaExceeded, true
	case code == http.StatusConflict && strings.Contains(lower, "session"):
		return KindSessionCannotBeLocked, true
	case code == http.StatusGone && strings.Contains(lower, "session"):
		return KindSessionLockLost, true
	case code == http.StatusNotFound && strings.Contains(lower, "message") && !strings.Contains(lower, "entity"):
		return KindMessageNotFound, true
	case code == http.StatusBadRequest && strings.Contains(lower, "disabled"):
		return KindDisabled, true
	}
	k, ok := statusKinds[code]
	return k, ok
}

// refineAuth splits "unauthorised" into authentication (bad or expired
// credentials) and authorisation (valid credentials missing a claim), which
// the service tells apart only in the description.
func refineAuth(k Kind, text string) Kind {
	if k == KindAuthentication && strings.Contains(strings.ToLower(text), "claim") {
		return KindAuthorisation
	}
	return k
}

// isCommunication reports network and transport failures: refused or reset
// connections, DNS, TLS, EOF, and the AMQP connection/session/link errors
// go-amqp reports when the peer goes away.
func isCommunication(err error) bool {
	var (
		netErr   net.Error
		dnsErr   *net.DNSError
		opErr    *net.OpError
		connErr  *amqp.ConnError
		sessErr  *amqp.SessionError
		linkErr  *amqp.LinkError
		urlErr   interface{ Temporary() bool }
		sysErrno syscall.Errno
	)
	switch {
	case errors.As(err, &dnsErr), errors.As(err, &opErr), errors.As(err, &netErr):
		return true
	case errors.As(err, &connErr), errors.As(err, &sessErr), errors.As(err, &linkErr):
		return true
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, net.ErrClosed):
		return true
	case errors.As(err, &sysErrno) && (sysErrno == syscall.ECONNREFUSED || sysErrno == syscall.ECONNRESET):
		return true
	case errors.As(err, &urlErr):
		return true
	}
	return false
}
