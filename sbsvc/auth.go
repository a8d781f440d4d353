package sbsvc

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
)

// AuthKind is how a namespace is signed in to.
type AuthKind int

const (
	// AuthConnectionString uses a SAS key or signature from a connection string.
	AuthConnectionString AuthKind = iota
	// AuthDefault is azidentity's DefaultAzureCredential chain.
	AuthDefault
	AuthAzureCLI
	AuthEnvironment
	AuthManagedIdentity
	AuthWorkloadIdentity
	AuthInteractiveBrowser
	AuthDeviceCode
)

var authNames = map[AuthKind]string{
	AuthConnectionString:   "connection-string",
	AuthDefault:            "default",
	AuthAzureCLI:           "azure-cli",
	AuthEnvironment:        "environment",
	AuthManagedIdentity:    "managed-identity",
	AuthWorkloadIdentity:   "workload-identity",
	AuthInteractiveBrowser: "interactive-browser",
	AuthDeviceCode:         "device-code",
}

// String is the name used in the config file and on the command line.
func (k AuthKind) String() string {
	if n, ok := authNames[k]; ok {
		return n
	}
	return fmt.Sprintf("AuthKind(%d)", int(k))
}

// ParseAuthKind reads a config-file or flag name ("azure-cli" …); "" is
// AuthDefault for a namespace named by host.
func ParseAuthKind(s string) (AuthKind, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return AuthDefault, nil
	}
	for k, n := range authNames {
		if n == s {
			return k, nil
		}
	}
	names := make([]string, 0, len(authNames))
	for k := AuthConnectionString; k <= AuthDeviceCode; k++ {
		names = append(names, authNames[k])
	}
	return 0, fmt.Errorf("unknown auth kind %q (known: %s)", s, strings.Join(names, ", "))
}

// EntraOptions tune a Microsoft Entra ID credential.
type EntraOptions struct {
	TenantID string // "" lets the credential pick (home tenant, or "organizations")
	// ClientID is a user-assigned managed identity, the workload identity's
	// application, or the app registration for browser/device-code sign-in.
	ClientID string
	// DeviceCodePrompt shows the device-code instructions. Required for
	// AuthDeviceCode: the SDK's default prints to stdout, which would tear
	// through a terminal UI.
	DeviceCodePrompt func(ctx context.Context, message string) error
}

// credentialOptions builds the azidentity options struct for kind. It is
// separate from newCredential so the wiring can be tested without Azure.
func credentialOptions(kind AuthKind, o EntraOptions) (any, error) {
	switch kind {
	case AuthDefault:
		return &azidentity.DefaultAzureCredentialOptions{TenantID: o.TenantID}, nil
	case AuthAzureCLI:
		return &azidentity.AzureCLICredentialOptions{TenantID: o.TenantID}, nil
	case AuthEnvironment:
		return &azidentity.EnvironmentCredentialOptions{}, nil
	case AuthManagedIdentity:
		opts := &azidentity.ManagedIdentityCredentialOptions{}
		if o.ClientID != "" {
			opts.ID = azidentity.ClientID(o.ClientID)
		}
		return opts, nil
	case AuthWorkloadIdentity:
		return &azidentity.WorkloadIdentityCredentialOptions{TenantID: o.TenantID, ClientID: o.ClientID}, nil
	case AuthInteractiveBrowser:
		return &azidentity.InteractiveBrowserCredentialOptions{TenantID: o.TenantID, ClientID: o.ClientID}, nil
	case AuthDeviceCode:
		if o.DeviceCodePrompt == nil {
			return nil, errors.New("device-code sign-in needs a prompt to show the code")
		}
		prompt := o.DeviceCodePrompt
		return &azidentity.DeviceCodeCredentialOptions{
			TenantID: o.TenantID,
			ClientID: o.ClientID,
			UserPrompt: func(ctx context.Context, m azidentity.DeviceCodeMessage) error {
				return prompt(ctx, m.Message)
			},
		}, nil
	}
	return nil, fmt.Errorf("auth kind %s does not use Microsoft Entra ID", kind)
}

// newCredential constructs the Entra ID credential for kind. Construction
// does not contact Azure; the first token request does.
func newCredential(kind AuthKind, o EntraOptions) (azcore.TokenCredential, error) {
	raw, err := credentialOptions(kind, o)
	if err != nil {
		return nil, newError(KindAuthentication, "sign in", "", err)
	}
	var cred azcore.TokenCredential
	switch opts := raw.(type) {
	case *azidentity.DefaultAzureCredentialOptions:
		cred, err = azidentity.NewDefaultAzureCredential(opts)
	case *azidentity.AzureCLICredentialOptions:
		cred, err = azidentity.NewAzureCLICredential(opts)
	case *azidentity.EnvironmentCredentialOptions:
		cred, err = azidentity.NewEnvironmentCredential(opts)
	case *azidentity.ManagedIdentityCredentialOptions:
		cred, err = azidentity.NewManagedIdentityCredential(opts)
	case *azidentity.WorkloadIdentityCredentialOptions:
		cred, err = azidentity.NewWorkloadIdentityCredential(opts)
	case *azidentity.InteractiveBrowserCredentialOptions:
		cred, err = azidentity.NewInteractiveBrowserCredential(opts)
	case *azidentity.DeviceCodeCredentialOptions:
		cred, err = azidentity.NewDeviceCodeCredential(opts)
	default:
		err = fmt.Errorf("no credential for %T", raw)
	}
	if err != nil {
		// Construction fails only for missing configuration (environment
		// variables, token file): that is a sign-in problem to the user.
		return nil, newError(KindAuthentication, "sign in with "+kind.String(), "", err)
	}
	return cred, nil
}
