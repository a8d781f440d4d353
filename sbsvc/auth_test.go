package sbsvc

import (
	"context"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
)

// These tests check only how credentials are wired: there is no Azure
// here, and constructing a credential contacts nothing.

func TestParseAuthKind(t *testing.T) {
	for k, name := range authNames {
		got, err := ParseAuthKind(" " + name + " ")
		if err != nil || got != k {
			t.Errorf("ParseAuthKind(%q) = %v, %v", name, got, err)
		}
	}
	if k, err := ParseAuthKind(""); err != nil || k != AuthDefault {
		t.Errorf("empty = %v, %v", k, err)
	}
	if _, err := ParseAuthKind("kerberos"); err == nil {
		t.Error("unknown kind accepted")
	}
}

func TestCredentialOptionsWiring(t *testing.T) {
	o := EntraOptions{TenantID: "tenant-1", ClientID: "client-1",
		DeviceCodePrompt: func(context.Context, string) error { return nil }}
	check := func(kind AuthKind, test func(any) bool) {
		t.Helper()
		raw, err := credentialOptions(kind, o)
		if err != nil || !test(raw) {
			t.Errorf("%v: options %#v, %v", kind, raw, err)
		}
	}
	check(AuthDefault, func(v any) bool {
		x, ok := v.(*azidentity.DefaultAzureCredentialOptions)
		return ok && x.TenantID == "tenant-1"
	})
	check(AuthAzureCLI, func(v any) bool {
		x, ok := v.(*azidentity.AzureCLICredentialOptions)
		return ok && x.TenantID == "tenant-1"
	})
	check(AuthEnvironment, func(v any) bool { _, ok := v.(*azidentity.EnvironmentCredentialOptions); return ok })
	check(AuthManagedIdentity, func(v any) bool {
		x, ok := v.(*azidentity.ManagedIdentityCredentialOptions)
		return ok && x.ID == azidentity.ClientID("client-1")
	})
	check(AuthWorkloadIdentity, func(v any) bool {
		x, ok := v.(*azidentity.WorkloadIdentityCredentialOptions)
		return ok && x.TenantID == "tenant-1" && x.ClientID == "client-1"
	})
	check(AuthInteractiveBrowser, func(v any) bool {
		x, ok := v.(*azidentity.InteractiveBrowserCredentialOptions)
		return ok && x.TenantID == "tenant-1" && x.ClientID == "client-1"
	})
	var prompted string
	o.DeviceCodePrompt = func(_ context.Context, m string) error { prompted = m; return nil }
	raw, err := credentialOptions(AuthDeviceCode, o)
	dc, ok := raw.(*azidentity.DeviceCodeCredentialOptions)
	if err != nil || !ok || dc.TenantID != "tenant-1" {
		t.Fatalf("device code options %#v, %v", raw, err)
	}
	dc.UserPrompt(context.Background(), azidentity.DeviceCodeMessage{Message: "go to example and enter ABC"})
	if prompted != "go to example and enter ABC" {
		t.Errorf("prompt got %q", prompted)
	}
	if _, err := credentialOptions(AuthDeviceCode, EntraOptions{}); err == nil {
		t.Error("device code without a prompt accepted (the SDK would print to stdout)")
	}
	if _, err := credentialOptions(AuthConnectionString, o); err == nil {
		t.Error("connection-string kind produced Entra options")
	}
}

func TestNewCredentialTypes(t *testing.T) {
	for _, v := range []string{"AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "AZURE_FEDERATED_TOKEN_FILE", "AZURE_USERNAME"} {
		t.Setenv(v, "")
	}
	o := EntraOptions{DeviceCodePrompt: func(context.Context, string) error { return nil }}
	cases := map[AuthKind]func(any) bool{
		AuthDefault:            func(c any) bool { _, ok := c.(*azidentity.DefaultAzureCredential); return ok },
		AuthAzureCLI:           func(c any) bool { _, ok := c.(*azidentity.AzureCLICredential); return ok },
		AuthManagedIdentity:    func(c any) bool { _, ok := c.(*azidentity.ManagedIdentityCredential); return ok },
		AuthInteractiveBrowser: func(c any) bool { _, ok := c.(*azidentity.InteractiveBrowserCredential); return ok },
		AuthDeviceCode:         func(c any) bool { _, ok := c.(*azidentity.DeviceCodeCredential); return ok },
	}
	for kind, isType := range cases {
		cred, err := newCredential(kind, o)
		if err != nil || !isType(cred) {
			t.Errorf("%v: %T, %v", kind, cred, err)
		}
	}
	// Without its environment the environment and workload credentials
	// cannot be built: an authentication error with a remedy.
	for _, kind := range []AuthKind{AuthEnvironment, AuthWorkloadIdentity} {
		_, err := newCredential(kind, o)
		wantKind(t, err, KindAuthentication)
	}
}

func TestConnectEntraBuildsClients(t *testing.T) {
	src := Source{Auth: AuthAzureCLI, FullyQualifiedNamespace: "contoso.servicebus.windows.net"}
	ns, err := newNamespace(src, ConnectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer ns.Close(context.Background())
	if info := ns.Info(); info.FQDN != "contoso.servicebus.windows.net" || info.Auth != AuthAzureCLI || info.Name != info.FQDN {
		t.Errorf("info = %+v", info)
	}
	_, err = newNamespace(Source{Auth: AuthConnectionString, FullyQualifiedNamespace: "x"}, ConnectOptions{})
	wantKind(t, err, KindConnectionString)
	_, err = newNamespace(Source{}, ConnectOptions{})
	wantKind(t, err, KindConnectionString)
}
