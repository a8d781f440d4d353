package sbsvc

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func envMap(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

const validCS = "Endpoint=sb://c.servicebus.windows.net/;SharedAccessKeyName=R;SharedAccessKey=" + testKey

func writeFile(t *testing.T, dir, name, body string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadConfig(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "prod.secret", validCS+"\n", 0o600)
	writeFile(t, dir, "loose.secret", validCS, 0o644)
	cfg := writeFile(t, dir, "config.json", `{"namespaces":[
		{"name":"prod","connectionString":"file:prod.secret","readOnly":true,"entity":"orders"},
		{"name":"loose","connectionString":"file:loose.secret"},
		{"name":"fromenv","connectionString":"env:SB_DEV","webSockets":true},
		{"name":"aad","auth":"azure-cli","fullyQualifiedNamespace":"c.servicebus.windows.net","tenantId":"t"}
	]}`, 0o600)
	srcs, warnings, err := LoadConfig(cfg, envMap(map[string]string{"SB_DEV": validCS}))
	if err != nil {
		t.Fatal(err)
	}
	if len(srcs) != 4 {
		t.Fatalf("%d sources", len(srcs))
	}
	prod := srcs[0]
	if prod.ConnectionString != validCS || !prod.ReadOnly || prod.Entity != "orders" || prod.Auth != AuthConnectionString || prod.Origin != "config" {
		t.Errorf("prod = %v", prod)
	}
	if !srcs[2].WebSockets || srcs[2].ConnectionString != validCS {
		t.Errorf("fromenv = %v", srcs[2])
	}
	if srcs[3].Auth != AuthAzureCLI || srcs[3].Entra.TenantID != "t" || srcs[3].FullyQualifiedNamespace == "" {
		t.Errorf("aad = %v", srcs[3])
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "loose.secret") || !strings.Contains(warnings[0], "group or others") {
		t.Errorf("warnings = %q", warnings)
	}
	for _, s := range srcs {
		assertNoSecret(t, "source", s.String())
		assertNoSecret(t, "source %+v", fmt.Sprintf("%+v", s))
	}
}

func TestLoadConfigRefusals(t *testing.T) {
	dir := t.TempDir()
	cases := map[string]struct{ body, want string }{
		"literal secret": {`{"namespaces":[{"name":"a","connectionString":"` + validCS + `"}]}`, "must be a reference"},
		"unset env":      {`{"namespaces":[{"name":"a","connectionString":"env:NOPE"}]}`, "NOPE is empty or not set"},
		"missing file":   {`{"namespaces":[{"name":"a","connectionString":"file:nope"}]}`, "secret file"},
		"unknown field":  {`{"namespaces":[{"name":"a","colour":"red"}]}`, "unknown field"},
		"no name":        {`{"namespaces":[{"auth":"azure-cli"}]}`, "name is missing"},
		"duplicate":      {`{"namespaces":[{"name":"a","auth":"azure-cli","fullyQualifiedNamespace":"x"},{"name":"a","auth":"azure-cli","fullyQualifiedNamespace":"x"}]}`, "used twice"},
		"bad auth":       {`{"namespaces":[{"name":"a","auth":"magic"}]}`, "unknown auth kind"},
		"aad without fq": {`{"namespaces":[{"name":"a","auth":"azure-cli"}]}`, "fullyQualifiedNamespace is missing"},
		"cs without ref": {`{"namespaces":[{"name":"a","auth":"connection-string"}]}`, "needs connectionString"},
		"both kinds":     {`{"namespaces":[{"name":"a","auth":"azure-cli","connectionString":"env:X"}]}`, "but auth is"},
		"not json":       {`namespaces = []`, "invalid character"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			p := writeFile(t, dir, "c.json", c.body, 0o600)
			_, _, err := LoadConfig(p, envMap(nil))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want it to mention %q", err, c.want)
			}
			assertNoSecret(t, "config error", err.Error())
		})
	}
	if srcs, _, err := LoadConfig(filepath.Join(dir, "absent.json"), envMap(nil)); err != nil || srcs != nil {
		t.Errorf("missing config file: %v %v", srcs, err)
	}
}

func TestEnvAndFlagSources(t *testing.T) {
	env := envMap(map[string]string{EnvConnectionString: validCS, EnvNamespace: "c.servicebus.windows.net", "MY_CS": validCS})
	got := EnvSources(env)
	if len(got) != 2 || got[0].Auth != AuthConnectionString || got[1].Auth != AuthDefault || got[1].FullyQualifiedNamespace != "c.servicebus.windows.net" {
		t.Errorf("env sources = %v", got)
	}
	if len(EnvSources(envMap(nil))) != 0 {
		t.Error("sources from an empty environment")
	}

	src, ok, err := Flags{ConnectionString: "env:MY_CS", ReadOnly: true, Entity: "orders"}.Source(env)
	if err != nil || !ok || src.ConnectionString != validCS || !src.ReadOnly || src.Entity != "orders" || src.Origin != "flag" {
		t.Errorf("flag source = %v, %v, %v", src, ok, err)
	}
	src, ok, err = Flags{Namespace: "c.servicebus.windows.net", Auth: "device-code", TenantID: "t"}.Source(env)
	if err != nil || !ok || src.Auth != AuthDeviceCode || src.Entra.TenantID != "t" {
		t.Errorf("flag source = %v, %v, %v", src, ok, err)
	}
	if _, ok, _ := (Flags{}).Source(env); ok {
		t.Error("empty flags gave a source")
	}
	if _, _, err := (Flags{Namespace: "x", Auth: "magic"}).Source(env); err == nil {
		t.Error("bad --auth accepted")
	}

	all, _, err := Sources("", Flags{ConnectionString: validCS}, env)
	if err != nil || len(all) != 3 || all[2].Origin != "flag" {
		t.Errorf("Sources = %v, %v", all, err)
	}
	if p, err := DefaultConfigPath(); err == nil && !strings.HasSuffix(p, filepath.Join("sbx", "config.json")) {
		t.Errorf("DefaultConfigPath = %q", p)
	}
}
