package sbsvc

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

const (
	testKey = "k3yS3cretValue+/=="
	testSig = "SharedAccessSignature sr=sb%3a%2f%2fx&sig=S1gnatureSecret%3d&se=999&skn=p"
)

func TestParseConnectionStringValid(t *testing.T) {
	cases := []struct {
		in       string
		fqdn     string
		entity   string
		emulator bool
		sig      bool
	}{
		{"Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=" + testKey, "contoso.servicebus.windows.net", "", false, false},
		{"endpoint=sb://contoso.servicebus.windows.net/;sharedaccesskeyname=Root;sharedaccesskey=" + testKey + ";EntityPath=orders;", "contoso.servicebus.windows.net", "orders", false, false},
		{"Endpoint=sb://localhost:5673;SharedAccessKeyName=k;SharedAccessKey=" + testKey + ";UseDevelopmentEmulator=true", "localhost:5673", "", true, false},
		{"Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessSignature=" + testSig, "contoso.servicebus.windows.net", "", false, true},
		{"Endpoint=sb://c.servicebus.windows.net/;SharedAccessKeyName=R;SharedAccessKey=" + testKey + ";EntityPath=/events/Subscriptions/audit/", "c.servicebus.windows.net", "events/Subscriptions/audit", false, false},
	}
	for _, c := range cases {
		cs, err := ParseConnectionString(c.in)
		if err != nil {
			t.Errorf("ParseConnectionString: %v", err)
			continue
		}
		if cs.FQDN != c.fqdn || cs.EntityPath != c.entity || cs.UseDevelopmentEmulator != c.emulator || cs.HasSignature() != c.sig || cs.HasKey() == c.sig {
			t.Errorf("parsed %+v: fqdn %q entity %q emulator %v sig %v", cs, cs.FQDN, cs.EntityPath, cs.UseDevelopmentEmulator, cs.HasSignature())
		}
		// The SDK form carries the secret; nothing printable does.
		if !strings.Contains(cs.sdkString(), "S") {
			t.Errorf("sdkString lost its content")
		}
		assertNoSecret(t, "String", cs.String())
		assertNoSecret(t, "Redacted", cs.Redacted())
		assertNoSecret(t, "%v", fmt.Sprintf("%v", cs))
		assertNoSecret(t, "%+v", fmt.Sprintf("%+v", cs))
		assertNoSecret(t, "%#v", fmt.Sprintf("%#v", cs))
		var buf bytes.Buffer
		slog.New(slog.NewTextHandler(&buf, nil)).Info("cs", "cs", cs)
		assertNoSecret(t, "slog", buf.String())
	}
}

func TestParseConnectionStringErrorsAreDistinctAndSecretFree(t *testing.T) {
	const ep = "Endpoint=sb://c.servicebus.windows.net/;"
	cases := []struct{ name, in, wantPart string }{
		{"empty", "  ", "empty"},
		{"no equals", ep + "SharedAccessKeyName=R;SharedAccessKey=x" + testKey + ";" + strings.TrimRight(testKey, "="), "no '='"},
		{"stray key piece", ep + "SharedAccessKeyName=R;" + testKey, "part 3 is not a known"},
		{"unknown key", ep + "SharedAccessKeyName=R;SharedAccessKey=" + testKey + ";Colour=blue", `unknown key "Colour"`},
		{"duplicate", ep + "SharedAccessKeyName=R;SharedAccessKey=" + testKey + ";SharedAccessKey=" + testKey, "more than once"},
		{"missing endpoint", "SharedAccessKeyName=R;SharedAccessKey=" + testKey, "Endpoint is missing"},
		{"bad url", "Endpoint=sb://%zz;SharedAccessKeyName=R;SharedAccessKey=" + testKey, "not a valid URL"},
		{"no scheme", "Endpoint=contoso.servicebus.windows.net;SharedAccessKeyName=R;SharedAccessKey=" + testKey, "no scheme"},
		{"wrong scheme", "Endpoint=https://c.servicebus.windows.net/;SharedAccessKeyName=R;SharedAccessKey=" + testKey, "must be sb://, not https://"},
		{"no host", "Endpoint=sb:///;SharedAccessKeyName=R;SharedAccessKey=" + testKey, "no host name"},
		{"missing key name", ep + "SharedAccessKey=" + testKey, "SharedAccessKeyName is missing"},
		{"empty key name", ep + "SharedAccessKeyName=;SharedAccessKey=" + testKey, "SharedAccessKeyName is empty"},
		{"missing key", ep + "SharedAccessKeyName=R", "SharedAccessKey is missing"},
		{"empty key", ep + "SharedAccessKeyName=R;SharedAccessKey=", "SharedAccessKey is empty"},
		{"no credentials", ep, "no credentials"},
		{"key and signature", ep + "SharedAccessKeyName=R;SharedAccessKey=" + testKey + ";SharedAccessSignature=" + testSig, "not both"},
		{"empty signature", ep + "SharedAccessSignature= ", "SharedAccessSignature is empty"},
		{"bad emulator flag", ep + "SharedAccessKeyName=R;SharedAccessKey=" + testKey + ";UseDevelopmentEmulator=yesplease", `not "yesplease"`},
	}
	seen := map[string]string{}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseConnectionString(c.in)
			e := wantKind(t, err, KindConnectionString)
			msg := err.Error()
			if !strings.Contains(msg, c.wantPart) {
				t.Errorf("error %q does not mention %q", msg, c.wantPart)
			}
			assertNoSecret(t, "error", msg)
			if other, dup := seen[e.Cause.Error()]; dup {
				t.Errorf("cases %q and %q give the same message %q", other, c.name, e.Cause.Error())
			}
			seen[e.Cause.Error()] = c.name
		})
	}
}

// assertNoSecret fails when s holds the test key, signature or its sig.
func assertNoSecret(t testing.TB, what, s string) {
	t.Helper()
	for _, secret := range []string{testKey, "S1gnatureSecret", "k3yS3cret"} {
		if strings.Contains(s, secret) {
			t.Errorf("%s leaks a secret: %q", what, s)
		}
	}
}

func FuzzParseConnectionString(f *testing.F) {
	f.Add("Endpoint=sb://a/;SharedAccessKeyName=b;SharedAccessKey=" + testKey)
	f.Add("Endpoint=sb://a:1;SharedAccessSignature=" + testSig + ";UseDevelopmentEmulator=true")
	f.Add(";;=;Endpoint=;")
	f.Fuzz(func(t *testing.T, s string) {
		cs, err := ParseConnectionString(s)
		if err != nil {
			if KindOf(err) != KindConnectionString {
				t.Fatalf("kind %v", KindOf(err))
			}
			return
		}
		if cs.key != "" && len(cs.key) >= minSecretLen && strings.Contains(cs.String(), cs.key) && !strings.Contains(Mask, cs.key) {
			t.Fatalf("String leaks the key: %q", cs.String())
		}
	})
}
