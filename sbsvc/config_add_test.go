package sbsvc

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAddConfigNamespaceRoundTrip(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sbx") // does not exist yet
	cfg := filepath.Join(dir, "config.json")
	noEnv := envMap(nil)

	aad := ConfigNamespace{Name: "aad", Auth: "azure-cli", FullyQualifiedNamespace: "c.servicebus.windows.net", TenantID: "t", ReadOnly: true}
	if err := AddConfigNamespace(cfg, aad, ""); err != nil {
		t.Fatal(err)
	}
	if err := AddConfigNamespace(cfg, ConfigNamespace{Name: "prod", Entity: "orders", WebSockets: true}, validCS); err != nil {
		t.Fatal(err)
	}

	srcs, warnings, err := LoadConfig(cfg, noEnv)
	if err != nil || len(warnings) != 0 {
		t.Fatalf("LoadConfig: %v, warnings %q", err, warnings)
	}
	if len(srcs) != 2 {
		t.Fatalf("%d sources, want 2 (the first entry must be kept)", len(srcs))
	}
	want0 := Source{Name: "aad", Origin: "config", Auth: AuthAzureCLI, FullyQualifiedNamespace: "c.servicebus.windows.net",
		Entra: EntraOptions{TenantID: "t"}, ReadOnly: true}
	if srcs[0].String() != want0.String() || srcs[0].Entra.TenantID != "t" {
		t.Errorf("aad = %v, want %v", srcs[0], want0)
	}
	want1 := Source{Name: "prod", Origin: "config", Auth: AuthConnectionString, ConnectionString: validCS, Entity: "orders", WebSockets: true}
	got := srcs[1]
	if got.Name != want1.Name || got.Auth != want1.Auth || got.ConnectionString != want1.ConnectionString ||
		got.Entity != want1.Entity || !got.WebSockets || got.ReadOnly {
		t.Errorf("prod = %v, want %v", got, want1)
	}

	// The config file holds a reference, never the key.
	data, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	assertNoSecret(t, "config file", string(data))
	secretPath := filepath.Join(dir, "secrets", "prod.connstr")
	if !strings.Contains(string(data), `"file:`+secretPath+`"`) {
		t.Errorf("config does not refer to %s:\n%s", secretPath, data)
	}

	for path, want := range map[string]os.FileMode{dir: 0o700, cfg: 0o600, filepath.Dir(secretPath): 0o700, secretPath: 0o600} {
		info, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm() != want {
			t.Errorf("%s has mode %v, want %v", path, info.Mode().Perm(), want)
		}
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, "*.tmp"))
	if len(leftovers) != 0 {
		t.Errorf("temporary files left behind: %v", leftovers)
	}
}

func TestAddConfigNamespaceRefusals(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.json")
	if err := AddConfigNamespace(cfg, ConfigNamespace{Name: "Prod"}, validCS); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(cfg)

	badKey := "Endpoint=sb://c.servicebus.windows.net/;SharedAccessKey=" + testKey // no key name
	cases := map[string]struct {
		n      ConfigNamespace
		secret string
		want   string
	}{
		"duplicate":            {ConfigNamespace{Name: "Prod"}, validCS, "already in the config"},
		"duplicate other case": {ConfigNamespace{Name: "prod", Auth: "azure-cli", FullyQualifiedNamespace: "x.y"}, "", "already in the config"},
		"empty name":           {ConfigNamespace{Name: "  "}, validCS, "name is empty"},
		"control in name":      {ConfigNamespace{Name: "a\x1b[2Jb"}, validCS, "control character"},
		"broken secret":        {ConfigNamespace{Name: "b"}, badKey, "SharedAccessKeyName is missing"},
		"secret and reference": {ConfigNamespace{Name: "c", ConnectionString: "env:X"}, validCS, "not both"},
		"secret with entra":    {ConfigNamespace{Name: "d", Auth: "azure-cli"}, validCS, "but auth is"},
		"literal in entry":     {ConfigNamespace{Name: "e", ConnectionString: validCS}, "", "must be a reference"},
		"entra without host":   {ConfigNamespace{Name: "f", Auth: "azure-cli"}, "", "fullyQualifiedNamespace is missing"},
		"key pasted as secret": {ConfigNamespace{Name: "g"}, testKey, "part 1 is not a known Name=Value pair"},
		"unknown auth":         {ConfigNamespace{Name: "h", Auth: "magic", FullyQualifiedNamespace: "x.y"}, "", "unknown auth kind"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			err := AddConfigNamespace(cfg, c.n, c.secret)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
			assertNoSecret(t, "error", err.Error())
			after, _ := os.ReadFile(cfg)
			if string(after) != string(before) {
				t.Errorf("a refused add changed the config:\n%s", after)
			}
		})
	}
	// "Prod?" differs from "Prod" and gets its own secret file, Prod_.connstr.
	if err := AddConfigNamespace(cfg, ConfigNamespace{Name: "Prod?"}, validCS); err != nil {
		t.Fatal(err)
	}
	srcs, _, err := LoadConfig(cfg, envMap(nil))
	if err != nil || len(srcs) != 2 {
		t.Fatalf("after refusals: %d sources, %v", len(srcs), err)
	}
}

func TestAddConfigNamespaceKeepsUnreadableConfig(t *testing.T) {
	dir := t.TempDir()
	cfg := writeFile(t, dir, "config.json", `{"namespaces":[{"name":"a","colour":"red"}]}`, 0o600)
	err := AddConfigNamespace(cfg, ConfigNamespace{Name: "b"}, validCS)
	if err == nil || !strings.Contains(err.Error(), "left unchanged") {
		t.Fatalf("err = %v", err)
	}
	data, _ := os.ReadFile(cfg)
	if !strings.Contains(string(data), "colour") {
		t.Errorf("config was overwritten: %s", data)
	}
	if _, err := os.Stat(filepath.Join(dir, "secrets", "b.connstr")); err == nil {
		t.Error("secret file written although the config was refused")
	}
}

func TestSecretFileNameStaysInFolder(t *testing.T) {
	for name, want := range map[string]string{
		"prod":         "prod.connstr",
		"../../etc/pw": "_.._.._etc_pw.connstr",
		".hidden":      "_.hidden.connstr",
		"a b/c\\d":     "a_b_c_d.connstr",
		"ünï":          "_n_.connstr",
	} {
		if got := secretFileName(name); got != want {
			t.Errorf("secretFileName(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestValidateNamespaceInput(t *testing.T) {
	cases := []struct {
		in         string
		name, auth string
		fqdn       string
		secret     bool
	}{
		{"myns", "myns", "default", "myns.servicebus.windows.net", false},
		{"  MyNs-01  ", "myns-01", "default", "myns-01.servicebus.windows.net", false},
		{"myns.servicebus.windows.net", "myns", "default", "myns.servicebus.windows.net", false},
		{"sb://myns.servicebus.windows.net/", "myns", "default", "myns.servicebus.windows.net", false},
		{"myns.servicebus.chinacloudapi.cn", "myns", "default", "myns.servicebus.chinacloudapi.cn", false},
		{validCS, "c", "connection-string", "", true},
		{validCS + ";EntityPath=orders", "c/orders", "connection-string", "", true},
		{"Endpoint=sb://localhost:5672;SharedAccessKeyName=R;SharedAccessKey=" + testKey + ";UseDevelopmentEmulator=true", "localhost", "connection-string", "", true},
	}
	for _, c := range cases {
		n, secret, err := ValidateNamespaceInput(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if n.Name != c.name || n.Auth != c.auth || n.FullyQualifiedNamespace != c.fqdn || (secret != "") != c.secret {
			t.Errorf("%q → %+v, secret %v", c.in, n, secret != "")
		}
		if c.secret && secret != strings.TrimSpace(c.in) {
			t.Errorf("%q: secret is not the pasted string", c.in)
		}
		// What it returns is what AddConfigNamespace accepts.
		if err := AddConfigNamespace(filepath.Join(t.TempDir(), "c.json"), n, secret); err != nil {
			t.Errorf("%q: AddConfigNamespace refused the entry: %v", c.in, err)
		}
	}

	refusals := map[string]string{
		"":             "nothing was entered",
		testKey:        "neither a connection string nor a namespace name",
		"k3yS3cretVal": "", // a bare word is a plausible namespace name
		"1abc":         "neither a connection string nor a namespace name",
		"my ns":        "neither a connection string nor a namespace name",
		"a..b":         "not a valid host name",
		"Endpoint=sb://c.servicebus.windows.net/;SharedAccessKeyName=R;SharedAccessKey=" + testKey + ";Extra" + testKey: "part 4",
		"Endpoint=sb://c/;SharedAccessKey=" + testKey:                                                                   "SharedAccessKeyName is missing",
		strings.Repeat("a", 51): "longer than 50",
	}
	for in, want := range refusals {
		_, _, err := ValidateNamespaceInput(in)
		if want == "" {
			if err != nil {
				t.Errorf("%q: %v", in, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: err = %v, want %q", in, err, want)
			continue
		}
		assertNoSecret(t, "error", err.Error())
	}
}
